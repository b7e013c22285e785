"""Demo careers information: four published pages an administrator wrote, with their links."""

from __future__ import annotations

from marketplace.careers import operations

PAGES = [
    operations.PageWords(
        title="Working in construction: the CSCS card",
        summary="Most building sites ask for a CSCS card before you start. What it is and how to get one.",
        body="A CSCS card shows a site that you have the training for the job you do there. Most large "
             "sites will not let you on without one.\n\n"
             "For a labourer's card (the green card) you need the Level 1 Award in Health and Safety in a "
             "Construction Environment, then the CSCS Health, Safety and Environment test, taken on a "
             "computer at a test centre.\n\n"
             "Some prisons run the course and the test inside. Ask your case manager: if you are released "
             "first, funding for the course and the test may be available.",
        links="CSCS: which card you need | https://www.cscs.uk.com/\n"
              "Unlock: working in construction with a criminal record | https://unlock.org.uk/"),
    operations.PageWords(
        title="Warehouse work and forklift licences",
        summary="Warehouses take on many people each year. A forklift licence can mean more hours and better pay.",
        body="Pickers and packers are usually trained on the job. Shifts are often early, late or at night, "
             "so think about how you will get there.\n\n"
             "A counterbalance forklift course takes three to five days. Employers look for training from an "
             "accredited body such as RTITB or ITSSAR.\n\n"
             "Agencies fill many warehouse jobs. Ask whether the job can become permanent.",
        links="RTITB: lift truck training | https://www.rtitb.com/\n"
              "ITSSAR: find accredited training | https://www.itssar.org.uk/"),
    operations.PageWords(
        title="Talking about a conviction at interview",
        summary="When you have to tell an employer, when you do not, and how to say it in your own words.",
        body="You only have to tell an employer about a conviction if they ask and it is not spent. Your "
             "disclosure page on the Virtual Campus shows when each of yours is spent.\n\n"
             "If you do need to tell them, keep it short: what happened, in a sentence; what has changed "
             "since; and why you want this job. Practise it with your case manager.\n\n"
             "A disclosure letter, written before the interview, lets you say it in your own words. Your "
             "case manager can help you write one.",
        links="Unlock: disclosing criminal records to employers | https://unlock.org.uk/\n"
              "GOV.UK: tell an employer about your criminal record | "
              "https://www.gov.uk/tell-employer-or-college-about-criminal-record"),
    operations.PageWords(
        title="Your first weeks in a new job",
        summary="What to expect in your first weeks, and who to ask when something goes wrong.",
        body="Your first weeks are for learning. Ask questions: nobody expects you to know everything.\n\n"
             "If you will be late or ill, call your manager before your shift starts.\n\n"
             "Your case manager is still there for you after you start. Tell them early if something is "
             "not working.",
        links="ACAS: your rights at work | https://www.acas.org.uk/"),
]


def seed(context) -> list[str]:
    admin = context.made["admin"][0]
    for words in PAGES:
        operations.publish(operations.create_page(admin, words), admin)
    return [f"Careers information: {len(PAGES)} published pages"]

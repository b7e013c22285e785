"""Demo Community Payback: nominations in every stage in the North West (the demo payback manager's
region) and a few elsewhere, each public one with the public text a payback manager wrote (one waiting
nomination gives the nominator's name and phone number in its description, as people do, to be taken
out when its public text is written), public votes on the shortlisted ones, and orders with hours for people
on the demo case manager's provider's caseload who are in the community."""

from __future__ import annotations

from datetime import time, timedelta

from marketplace.accounts.models import User, UserStatus
from marketplace.core import clock
from marketplace.core.calendar import bank_holiday_name
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.payback.models import (
    CRITERIA,
    PaybackHours,
    PaybackOrder,
    PaybackProject,
    PaybackSession,
    PaybackVote,
    ProjectEvent,
)
from marketplace.payback.operations import REFERENCE_LETTERS, voter_hash

PAYBACK_MANAGER_EMAIL = "payback.manager@fairchance.example"

# (title, town, postcode, what needs doing, who it helps)
PROJECTS = [
    ("Clear the canal towpath at Burscough", "Burscough", "L40 5TH",
     "Cut back brambles, clear litter and rebuild two collapsed sections of edging along the towpath.",
     "Walkers, anglers and the primary school that uses the path for nature walks."),
    ("Repaint the Moss Side community centre hall", "Manchester", "M14 4SL",
     "Wash down, fill and repaint the main hall and corridor; the centre's volunteers will move the furniture.",
     "The youth club, the lunch club for older people and the food bank that use the hall every week."),
    ("Remove graffiti from the Preston bus station underpass", "Preston", "PR1 1YT",
     "Scrub and repaint the underpass walls and clear the drains of litter.",
     "Everyone who walks from the bus station to the market, especially at night."),
    ("Build raised beds at Ewood allotments", "Blackburn", "BB2 4JF",
     "Build twelve raised beds from donated sleepers and lay bark paths between them.",
     "Allotment holders who use wheelchairs or cannot kneel."),
    ("Tidy the churchyard at St Mary's, Lancaster", "Lancaster", "LA1 1YZ",
     "Cut grass, clear ivy from the boundary wall and repair the gate.",
     "Families visiting graves and the volunteers who look after the churchyard."),
    ("Clear fly-tipping from Bolton's Moss Bank Park", "Bolton", "BL1 6PP",
     "Clear dumped waste from the woodland edge and repair the fencing.",
     "Dog walkers, runners and the park's Friends group."),
    ("Paint the lifeboat station's boat hall", "Blackpool", "FY1 5AA",
     "Paint the boat hall and the training room. Ring me, {nominator}, on 07700 900123 and I will let you in.",
     "Volunteer lifeboat crew."),
    ("Weed the rose garden in Sefton Park", "Liverpool", "L17 1AP",
     "Weed and mulch the rose garden.",
     "Visitors to the park."),
]
ELSEWHERE = [
    ("Repair benches on the Leeds Liverpool canal, Kirkstall", "Leeds", "LS5 3AA", "Yorkshire and the Humber"),
    ("Clear the beck at Ilkley Riverside", "Ilkley", "LS29 9DZ", "Yorkshire and the Humber"),
    ("Paint the Splott community hall", "Cardiff", "CF24 2DA", "Wales"),
]
# What happens to each North West nomination, in PROJECTS' order.
STAGES = ["shortlisted", "shortlisted", "shortlisted", "accepted", "accepted", "reviewed", "submitted", "declined"]


def seed(context) -> list[str]:
    rng, fake = context.rng, context.fake
    now, today = clock.now(), clock.today()
    provider = context.made["providers"][2]  # the demo case manager's probation service, North West
    password_hash = db.session.get(User, context.made["case_managers"][0].id).password_hash
    manager = User(email=PAYBACK_MANAGER_EMAIL, full_name=fake.name(), job_title="Community Payback manager",
                   password_hash=password_hash, role=Role.PAYBACK_MANAGER.value, organisation=provider,
                   status=UserStatus.ACTIVE, created_at=now - timedelta(days=200), password_changed_at=now)
    db.session.add(manager)
    db.session.flush()

    made = []
    for (title, town, postcode, description, benefit), stage in zip(PROJECTS, STAGES, strict=True):
        long_running = stage == "accepted" and not any(project.status == "accepted" for project in made)
        made.append(_project(rng, fake, title, town, postcode, "North West", description, benefit, stage,
                             manager, now, today, long_running))
    for title, town, postcode, region in ELSEWHERE:
        made.append(_project(rng, fake, title, town, postcode, region, "Work described by the nominator.",
                             "The local community.", "shortlisted", None, now, today))
    db.session.flush()

    votes = 0
    for project in made:
        if project.status != "shortlisted":
            continue
        for _ in range(rng.randint(2, 40)):
            db.session.add(PaybackVote(project_id=project.id, voter_hash=voter_hash(fake.unique.email()),
                                       token_hash=f"{rng.getrandbits(256):064x}", created_at=now - timedelta(hours=30),
                                       confirmed_at=now - timedelta(hours=rng.randint(1, 29))))
            votes += 1

    accepted = [project for project in made if project.status == "accepted"]
    for project in accepted:  # the next supervised session of each, with room for a group
        day = max(today, project.work_starts_on or today) + timedelta(days=rng.randint(1, 6))
        while bank_holiday_name(day):  # no session on Christmas Day (the session form refuses them too)
            day += timedelta(days=1)
        db.session.add(PaybackSession(project_id=project.id, day=day, starts_at=time(9, 0), ends_at=time(15, 0),
                                      place=f"At the site in {project.town}", supervisor_id=manager.id,
                                      capacity=rng.choice([4, 6, 8]), places_taken=0, created_by_id=manager.id,
                                      created_at=now))
    people = [p for p in context.made.get("participants", [])
              if p.organisation_id == provider.id and p.location == "community" and p.status == "active"][:5]
    hours = 0
    for person in people:
        ordered = rng.choice([60, 75, 100, 120, 150])
        made_on = today - timedelta(days=rng.randint(40, 120))
        db.session.add(PaybackOrder(participant_id=person.id, hours_ordered=ordered, made_on=made_on,
                                    recorded_by_id=manager.id, created_at=now - timedelta(days=30)))
        day = made_on + timedelta(days=7)
        ete_left = ordered * 30 // 100 * 60
        left = ordered * 60
        while day < today - timedelta(days=2) and left >= 6 * 60:
            started = [project for project in accepted if project.work_starts_on <= day]
            if (not started or rng.random() < 0.25) and ete_left >= 180:
                row = PaybackHours(participant_id=person.id, kind="ete", worked_on=day, minutes=180,
                                   outcome="acceptable", skills=["cv_interview"],
                                   activity="CV and interview practice with Second Helping Kitchen CIC")
                ete_left -= 180
            elif started:  # work only on a project whose work had started by then
                outcome = rng.choices(["acceptable", "late", "absent_acceptable", "absent_unacceptable"],
                                      weights=[8, 1, 1, 1])[0]
                absent = outcome.startswith("absent")
                row = PaybackHours(participant_id=person.id, kind="work", project_id=rng.choice(started).id,
                                   worked_on=day, minutes=0 if absent else 6 * 60, outcome=outcome,
                                   skills=[] if absent else rng.sample(["teamwork", "timekeeping", "tools",
                                                                        "horticulture", "construction"], 2))
            else:
                day += timedelta(days=7)
                continue
            left -= row.minutes
            row.recorded_by_id = manager.id
            row.created_at = now - timedelta(days=(today - day).days)
            db.session.add(row)
            hours += 1
            day += timedelta(days=7)
    db.session.flush()
    return [f"{len(made)} Community Payback nominations with {votes} public votes; "
            f"{len(people)} people on unpaid work orders with {hours} days of hours"]


def _project(rng, fake, title, town, postcode, region, description, benefit, stage, manager, now, today,
             long_running=False):
    # A long-running project was nominated months ago: the work the people on orders have been doing.
    confirmed = now - timedelta(days=rng.randint(140, 160) if long_running else rng.randint(10, 40))
    nominator = fake.name()
    project = PaybackProject(
        reference="CP-" + "".join(rng.choice(REFERENCE_LETTERS) for _ in range(6)),
        status=stage, title=title, description=description.format(nominator=nominator.split()[0]),
        benefit=benefit, town=town, postcode=postcode, region=region, toilets_nearby=rng.choice(["yes", "no"]),
        step_free_access=rng.choice(["yes", "no", "unsure"]), nominator_name=nominator,
        nominator_email=fake.unique.email(), created_at=confirmed - timedelta(hours=2), confirmed_at=confirmed,
        scores={})
    db.session.add(project)
    project.history.append(ProjectEvent(action="confirm", from_status="unconfirmed", to_status="submitted",
                                        at=confirmed))
    if stage in ("reviewed", "shortlisted", "accepted"):
        # The demo's descriptions name nobody, so the payback manager's public text keeps their words.
        reviewed = confirmed + timedelta(days=1)
        project.public_title, project.public_description, project.public_benefit = title, description, benefit
        project.public_text_at = reviewed
        project.history.append(ProjectEvent(action="review_public_text", from_status="submitted",
                                            to_status="reviewed", at=reviewed,
                                            actor_id=manager.id if manager else None))
    if stage in ("shortlisted", "accepted", "declined"):
        decided = confirmed + timedelta(days=rng.randint(2, 6))
        if stage != "declined":
            project.scores = {name: str(rng.randint(3, 5)) for name in CRITERIA}
        else:
            project.decision_reason = "paid_work"
            project.decision_note = "The council's parks team are paid to do this work."
        if stage == "shortlisted":
            project.vote_opens_on, project.vote_closes_on = today - timedelta(days=3), today + timedelta(days=11)
        project.decided_at = decided
        if stage == "accepted":  # the nominator has been told when the work starts
            project.work_starts_on = (decided.date() + timedelta(days=rng.randint(7, 14)) if long_running
                                      else today + timedelta(days=rng.randint(-20, 20)))
        project.history.append(ProjectEvent(action={"shortlisted": "shortlist", "accepted": "accept",
                                                    "declined": "decline"}[stage],
                                            from_status="submitted" if stage == "declined" else "reviewed",
                                            to_status=stage, at=decided,
                                            actor_id=manager.id if manager else None,
                                            reason=project.decision_reason))
        if project.work_starts_on:
            project.history.append(ProjectEvent(action="schedule", from_status=stage, to_status=stage,
                                                at=decided + timedelta(days=1),
                                                actor_id=manager.id if manager else None))
    return project

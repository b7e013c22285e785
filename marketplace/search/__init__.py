"""Search and matching: a Whoosh index on disk that follows the database.

The database is the source of truth. Every change to an indexed record writes an `IndexTask` in the
same transaction (`tasks.queue`); after the commit the tasks are applied to the index (`sync`), and
`flask search sync` applies any left over. The tasks form an ordered log that each index follows
with its own cursor, so a crash can delay the index but never lose an update, and several hosts
with their own indexes all converge on the database.
"""

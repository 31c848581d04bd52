"""The audit log as a verifiable log (issue 19), built the way certificate transparency
builds its logs (RFC 9162): events are hashed alone when written (``canonical``), a
sequencer integrates them in order into an SM3 Merkle tree (``merkle``, ``store``,
``sequencer``) and signs tree heads (``keys``, ``heads``), heads are published outside
the database (``publish``), and anyone holding a head can check inclusion and
consistency proofs (``proofs``). ``verify`` is what ``./qinqing audit verify`` runs.
"""

"""Courts' write services on the flow engine (filing, assignment, trial, appeals, limits,
dossier, lists, openness). Each is ``<entity>_<action>(*, actor, …)``: one transaction,
flow services for matters and clocks, and an audit row."""

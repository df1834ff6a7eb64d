-- Test helper: returns obj unchanged (round-trips toLua and the Lua JSON encoder).
return obj

-- Argo CD action discovery for sluice.dev/Rollout (Lua 5.1): which actions are offered now.
local st = obj.status or {}
local spec = obj.spec or {}

local specPaused = spec.paused == true
local controllerPaused = st.pauseConditions ~= nil and #st.pauseConditions > 0
local paused = specPaused or controllerPaused or st.phase == "Paused"
local aborted = st.abort == true
local fullyPromoted = st.currentPodHash ~= nil and st.currentPodHash ~= "" and st.currentPodHash == st.stableRS
local healthy = st.phase == "Healthy"

local actions = {}
-- Release a pause (a pause step, an inconclusive analysis, spec.paused), as `sluice promote`.
actions["promote"] = { disabled = not paused or aborted }
-- Skip every remaining step, analysis and pause.
actions["promote-full"] = { disabled = obj.status == nil or fullyPromoted or aborted }
-- Traffic back to stable, canary scaled down.
actions["abort"] = { disabled = obj.status == nil or aborted or fullyPromoted or healthy }
-- Start the aborted revision again.
actions["retry"] = { disabled = not aborted }
actions["pause"] = { disabled = specPaused }
actions["resume"] = { disabled = not specPaused }
actions["restart"] = { disabled = false }
return actions

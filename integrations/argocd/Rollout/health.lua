-- Argo CD health check for sluice.dev/Rollout (Lua 5.1).
-- Sluice writes status.phase (first match wins: Degraded, Paused, Progressing, Healthy),
-- status.message, an integer status.observedGeneration and kstatus conditions.
-- Objects migrated from Argo Rollouts may carry observedGeneration as a string and no phase:
-- for those the conditions and pause fields decide.

local function nonEmpty(s)
  return s ~= nil and s ~= ""
end

local function orDefault(s, default)
  if nonEmpty(s) then
    return s
  end
  return default
end

local function result(status, message)
  return { status = status, message = message }
end

if obj.status == nil or obj.status.observedGeneration == nil then
  return result("Progressing", "Waiting for rollout spec update to be observed")
end

local st = obj.status
local observed = tonumber(st.observedGeneration)
local generation = tonumber(obj.metadata.generation)
if observed ~= nil and generation ~= nil and observed < generation then
  return result("Progressing", "Waiting for rollout spec update to be observed")
end

-- Degraded: invalid spec, aborted, progress deadline exceeded.
if st.phase == "Degraded" then
  return result("Degraded", orDefault(st.message, "Rollout is degraded"))
end
if st.conditions ~= nil then
  for _, c in ipairs(st.conditions) do
    if c.type == "InvalidSpec" and c.status == "True" then
      return result("Degraded", orDefault(c.message, "InvalidSpec"))
    end
    if c.type == "Progressing" and (c.reason == "RolloutAborted" or c.reason == "ProgressDeadlineExceeded") then
      return result("Degraded", orDefault(c.message, c.reason))
    end
  end
end

-- Suspended: a pause step, an inconclusive analysis, spec.paused.
local paused = st.phase == "Paused"
  or (st.pauseConditions ~= nil and #st.pauseConditions > 0)
  or (obj.spec ~= nil and obj.spec.paused == true)
if paused then
  return result("Suspended", orDefault(st.message, "Rollout is paused"))
end

if st.phase == "Progressing" then
  return result("Progressing", orDefault(st.message, "Waiting for rollout to finish"))
end
if st.phase == "Healthy" then
  return result("Healthy", orDefault(st.message, "Rollout is healthy"))
end
if st.phase == nil then
  return result("Progressing", "Waiting for rollout to finish: status has not been reconciled")
end
return result("Unknown", "Unrecognised status.phase: " .. tostring(st.phase))

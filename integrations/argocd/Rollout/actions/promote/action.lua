-- promote: what `sluice promote` writes. Unpause the spec when it is paused; clear the
-- controller's pauseConditions when present; otherwise, for a canary with steps, skip the
-- current step. Setting a status field to nil makes Argo CD's merge patch send null, and
-- Argo CD sends status changes to the /status subresource.
local st = obj.status
if st == nil then
  obj.status = {}
  st = obj.status
end
if obj.spec.paused == true then
  obj.spec.paused = false
end
local steps = nil
if obj.spec.strategy ~= nil and obj.spec.strategy.canary ~= nil then
  steps = obj.spec.strategy.canary.steps
end
if st.pauseConditions ~= nil and #st.pauseConditions > 0 then
  st.pauseConditions = nil
elseif steps ~= nil and #steps > 0 then
  local current = tonumber(st.currentStepIndex) or 0
  if current < #steps then
    current = current + 1
  end
  st.pauseConditions = nil
  st.currentStepIndex = current
end
return obj

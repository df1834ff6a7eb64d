-- Argo CD health check for sluice.dev/AnalysisRun (Lua 5.1). The same mapping as Argo CD's
-- built-in check for argoproj.io/AnalysisRun, including Inconclusive -> Unknown.

local function orDefault(s, default)
  if s ~= nil and s ~= "" then
    return s
  end
  return default
end

if obj.status == nil or obj.status.phase == nil then
  return { status = "Progressing", message = "Waiting for analysis run to start: status has not been reconciled" }
end

local phase = obj.status.phase
local message = obj.status.message
if phase == "Pending" or phase == "Running" then
  return { status = "Progressing", message = orDefault(message, "Analysis run is running") }
end
if phase == "Successful" then
  return { status = "Healthy", message = orDefault(message, "Analysis run completed successfully") }
end
if phase == "Failed" then
  return { status = "Degraded", message = orDefault(message, "Analysis run failed") }
end
if phase == "Error" then
  return { status = "Degraded", message = orDefault(message, "Analysis run had an error") }
end
if phase == "Inconclusive" then
  return { status = "Unknown", message = orDefault(message, "Analysis run was inconclusive") }
end
return { status = "Unknown", message = "Unrecognised status.phase: " .. tostring(phase) }

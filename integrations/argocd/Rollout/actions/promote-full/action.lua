-- promote-full: status.promoteFull = true (skip the remaining steps, analyses and pauses),
-- unless the current revision is already the stable one.
if obj.status == nil then
  obj.status = {}
end
local st = obj.status
if st.currentPodHash ~= st.stableRS then
  st.promoteFull = true
end
return obj

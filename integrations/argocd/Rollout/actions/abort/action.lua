-- abort: status.abort = true. Traffic goes back to stable and the canary is scaled down.
if obj.status == nil then
  obj.status = {}
end
obj.status.abort = true
return obj

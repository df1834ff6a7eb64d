-- retry: status.abort = false. The aborted revision starts again.
if obj.status == nil then
  obj.status = {}
end
obj.status.abort = false
return obj

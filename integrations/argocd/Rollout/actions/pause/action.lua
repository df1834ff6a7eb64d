-- pause: spec.paused = true.
obj.spec.paused = true
return obj

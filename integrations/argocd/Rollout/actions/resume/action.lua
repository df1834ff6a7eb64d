-- resume: spec.paused = false (undoes pause; a controller pause is released by promote).
obj.spec.paused = false
return obj

-- write.lua — wrk script for `make bench`: the write baseline, POST /write of
-- deploy/bench/baseline (one row inserted and committed), posted like the store's forms.

wrk.method = "POST"
wrk.body = "note=bench"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

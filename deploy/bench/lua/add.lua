-- add.lua — wrk script for `make bench`: add-to-cart as the product page's form posts it
-- (variant + quantity), by shoppers who already have a cart.
--
-- run.sh creates the carts beforehand (tokens PREFIX0 .. PREFIX<ncarts-1>, found by the
-- store through the sha256 of the cookie). Request k uses cart k mod ncarts and variant
-- k mod #variants, so consecutive requests never queue on the same cart's row lock and a
-- cart gets a few different lines; a line already at the maximum quantity stays there
-- (the store answers the same redirect).
--
-- Arguments (after --): PATH COOKIE_NAME PREFIX NCARTS NTHREADS VARIANT_ID...
-- No Origin header is sent and Sec-Fetch-Site says same-origin, which is what
-- http.CrossOriginProtection lets through.

local threads = {}

function setup(thread)
	thread:set("tid", #threads)
	table.insert(threads, thread)
end

function init(args)
	path, cookie, prefix = args[1], args[2], args[3]
	ncarts, nthreads = tonumber(args[4]), tonumber(args[5])
	variants = {}
	for i = 6, #args do
		variants[#variants + 1] = args[i]
	end
	counter = 0
end

function request()
	local k = counter * nthreads + tid
	counter = counter + 1
	local headers = {
		["Content-Type"] = "application/x-www-form-urlencoded",
		["Cookie"] = cookie .. "=" .. prefix .. (k % ncarts),
		["Sec-Fetch-Site"] = "same-origin",
	}
	local body = "variant=" .. variants[(k % #variants) + 1] .. "&quantity=1"
	return wrk.format("POST", path, headers, body)
end

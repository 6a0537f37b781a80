-- place.lua — wrk script for `make bench`: placing an order with manual payment (bank
-- transfer), the checkout form's last step (action=place with the total the shopper saw).
--
-- Every request places a different cart: run.sh creates NCARTS carts for the round
-- beforehand (tokens PREFIX0 .. PREFIX<ncarts-1>), cart i holding two variants of pool
-- product i mod #totals, one each, and passes the total the store quoted for each pool
-- product (its review step, asked once with curl). Request k uses cart k; past NCARTS it
-- would replay placed carts (the store answers with the order already placed), so done()
-- prints how many requests went past the prepared carts and run.sh reports it.
--
-- Arguments (after --): PATH COOKIE_NAME PREFIX NCARTS NTHREADS DEPARTMENT TOTAL...

local threads = {}

function setup(thread)
	thread:set("tid", #threads)
	thread:set("over", 0)
	table.insert(threads, thread)
end

function init(args)
	path, cookie, prefix = args[1], args[2], args[3]
	ncarts, nthreads, department = tonumber(args[4]), tonumber(args[5]), args[6]
	totals = {}
	for i = 7, #args do
		totals[#totals + 1] = args[i]
	end
	counter = 0
end

function request()
	local k = counter * nthreads + tid
	counter = counter + 1
	if k >= ncarts then
		over = over + 1
	end
	local headers = {
		["Content-Type"] = "application/x-www-form-urlencoded",
		["Cookie"] = cookie .. "=" .. prefix .. (k % ncarts),
		["Sec-Fetch-Site"] = "same-origin",
	}
	local body = "email=bench%40libres.example&name=Bench+Shopper&phone=3001234567" ..
		"&department=" .. department .. "&city=Medellin&address_line=Calle+10+%23+20-30" ..
		"&donation=0&payment_method=transfer&accept_policy=1&action=place" ..
		"&quoted_total=" .. totals[((k % ncarts) % #totals) + 1]
	return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
	local over = 0
	for _, t in ipairs(threads) do
		over = over + t:get("over")
	end
	io.write("past prepared carts: " .. over .. "\n")
end

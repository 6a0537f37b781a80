package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Orders configures checkout: the order-link signing key, how long a bank transfer
// holds the stock, shipping prices and the transfer instructions emailed to shoppers.
type Orders struct {
	// LinkKey signs the order page links sent by email; empty: a random key per process
	// (links stop working at restart; fine for `make run`, not for production).
	LinkKey         string
	ManualHoldHours int
	ShippingMinor   int64 // shipping to a department without its own price
	// ShippingByDepartment prices shipping to some departments (minor units), e.g. less
	// to Bogotá, where the foundation's workshops and store are.
	ShippingByDepartment map[string]int64
	FreeShippingFrom     int64 // subtotal from which shipping is free; 0: never
	TransferES           string
	TransferEN           string
	// PickupPoints are where shoppers may collect orders (LIBRES_PICKUP_POINTS; default
	// the foundation's store as a sample); PickupUncollectedDays after an order is ready
	// it is flagged for staff if not picked up.
	PickupPoints          []PickupPoint
	PickupUncollectedDays int
}

const sampleTransfer = "EJEMPLO (configura LIBRES_TRANSFER_INSTRUCTIONS_ES): Banco de Ejemplo, cuenta de ahorros 000-000000-00, a nombre de Fundación Libres, NIT 900.123.456-8. Escribe el número del pedido en la referencia."

func loadOrders(str func(name, def string) string, errs []error) (Orders, []error) {
	o := Orders{LinkKey: str("LIBRES_ORDER_LINK_KEY", ""), ManualHoldHours: 72}
	if v := str("LIBRES_MANUAL_HOLD_HOURS", "72"); v != "72" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 24*30 {
			errs = append(errs, &Error{"LIBRES_MANUAL_HOLD_HOURS", v, "want a whole number of hours from 1 to 720"})
		} else {
			o.ManualHoldHours = n
		}
	}
	if o.LinkKey != "" && len(o.LinkKey) < 32 {
		errs = append(errs, &Error{"LIBRES_ORDER_LINK_KEY", "****", "want at least 32 random characters (e.g. openssl rand -base64 32)"})
	}
	pesos := func(name string, def int64) int64 {
		v := str(name, strconv.FormatInt(def, 10))
		n, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "").Replace(v), 10, 64)
		if err != nil || n < 0 || n > 100_000_000 {
			errs = append(errs, &Error{name, v, "want whole pesos from 0 to 100000000"})
			return def * 100
		}
		return n * 100
	}
	o.ShippingMinor = pesos("LIBRES_SHIPPING_COP", 15000)
	o.FreeShippingFrom = pesos("LIBRES_FREE_SHIPPING_FROM_COP", 300000)
	o.ShippingByDepartment = map[string]int64{}
	if v := str("LIBRES_SHIPPING_BY_DEPARTMENT_COP", defaultShippingByDepartment); v != "none" {
		for _, pair := range strings.Split(v, ";") {
			name, price, ok := strings.Cut(pair, "=")
			n, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "").Replace(strings.TrimSpace(price)), 10, 64)
			if !ok || strings.TrimSpace(name) == "" || err != nil || n < 0 || n > 100_000_000 {
				errs = append(errs, &Error{"LIBRES_SHIPPING_BY_DEPARTMENT_COP", v, "want Department=pesos pairs separated by ';', e.g. Bogotá D.C.=9000;Antioquia=14000, or none"})
				break
			}
			o.ShippingByDepartment[strings.TrimSpace(name)] = n * 100
		}
	}
	o.TransferES = str("LIBRES_TRANSFER_INSTRUCTIONS_ES", sampleTransfer)
	o.TransferEN = str("LIBRES_TRANSFER_INSTRUCTIONS_EN", o.TransferES)
	errs = loadPickup(str, &o, errs)
	return o, errs
}

// defaultShippingByDepartment: the foundation ships from Bogotá, so nearby is cheaper.
const defaultShippingByDepartment = "Bogotá D.C.=9000;Cundinamarca=12000"

func (o Orders) printLines() [][2]string {
	key := "(random per process)"
	if o.LinkKey != "" {
		key = "****"
	}
	return append([][2]string{
		{"LIBRES_ORDER_LINK_KEY", key},
		{"LIBRES_MANUAL_HOLD_HOURS", strconv.Itoa(o.ManualHoldHours)},
		{"LIBRES_SHIPPING_COP", fmt.Sprint(o.ShippingMinor / 100)},
		{"LIBRES_FREE_SHIPPING_FROM_COP", fmt.Sprint(o.FreeShippingFrom / 100)},
		{"LIBRES_SHIPPING_BY_DEPARTMENT_COP", shippingPairs(o.ShippingByDepartment)},
	}, o.pickupLines()...)
}

func shippingPairs(m map[string]int64) string {
	var out []string
	for name, minor := range m {
		out = append(out, fmt.Sprintf("%s=%d", name, minor/100))
	}
	sort.Strings(out)
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ";")
}

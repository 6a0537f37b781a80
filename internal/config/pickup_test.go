package config

import (
	"strings"
	"testing"
)

func TestLoadPickup(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Orders.PickupPoints; len(p) != 1 || p[0].ID != "estudio" || !p[0].Sample || !strings.Contains(p[0].Address, "EJEMPLO") ||
		c.Orders.PickupUncollectedDays != 14 {
		t.Errorf("default pickup: %+v, %d days", p, c.Orders.PickupUncollectedDays)
	}
	c, err = Load(env(map[string]string{"LIBRES_PICKUP_POINTS": "none", "LIBRES_PICKUP_UNCOLLECTED_DAYS": "5"}))
	if err != nil || len(c.Orders.PickupPoints) != 0 || c.Orders.PickupUncollectedDays != 5 {
		t.Errorf("none: %+v, %d days, %v", c.Orders.PickupPoints, c.Orders.PickupUncollectedDays, err)
	}
	const two = `[{"id":"estudio","name":"Estudio","address":"CC Andino local 3","city":"Bogotá","department":"Bogotá D.C.",
		"hours_es":"L-S 10-20"},{"id":"cali","name":"Punto Cali","address":"Cra 1","city":"Cali","department":"Valle del Cauca",
		"hours_es":"L-V 9-17","hours_en":"Mon-Fri 9-5","workshops":["taller-jamundi"]}]`
	c, err = Load(env(map[string]string{"LIBRES_PICKUP_POINTS": two}))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Orders.PickupPoints
	if len(p) != 2 || p[0].Sample || p[0].HoursEN != "L-S 10-20" || p[1].Workshops[0] != "taller-jamundi" {
		t.Errorf("two points: %+v", p)
	}
	for name, v := range map[string]string{
		"not JSON":      "estudio;Bogotá",
		"unknown field": `[{"id":"a","name":"A","address":"x","city":"Bogotá","department":"Bogotá D.C.","hours":"9-5"}]`,
		"no address":    `[{"id":"a","name":"A","city":"Bogotá","department":"Bogotá D.C."}]`,
		"same id twice": `[{"id":"a","name":"A","address":"x","city":"c","department":"d"},{"id":"a","name":"B","address":"y","city":"c","department":"d"}]`,
	} {
		if _, err := Load(env(map[string]string{"LIBRES_PICKUP_POINTS": v})); err == nil || !strings.Contains(err.Error(), "LIBRES_PICKUP_POINTS") {
			t.Errorf("%s: error %v, want one naming LIBRES_PICKUP_POINTS", name, err)
		}
	}
	if _, err := Load(env(map[string]string{"LIBRES_PICKUP_UNCOLLECTED_DAYS": "0"})); err == nil {
		t.Error("0 days accepted")
	}
}

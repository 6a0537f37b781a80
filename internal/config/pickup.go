package config

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// PickupPoint is a place where shoppers collect their orders (order.PickupPoint has the
// same fields; main converts). LIBRES_PICKUP_POINTS holds a JSON array of them.
type PickupPoint struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Address        string   `json:"address"`
	City           string   `json:"city"`
	Department     string   `json:"department"`
	HoursES        string   `json:"hours_es"`
	HoursEN        string   `json:"hours_en"`
	InstructionsES string   `json:"instructions_es"`
	InstructionsEN string   `json:"instructions_en"`
	Workshops      []string `json:"workshops,omitempty"` // workshop slugs whose items it keeps; empty: all
	Sample         bool     `json:"-"`
}

// samplePickup is the demo's point until LIBRES_PICKUP_POINTS is set: the foundation's
// own store, with an address marked as a sample.
var samplePickup = PickupPoint{ID: "estudio", Name: "Estudio Segundas Oportunidades",
	Address: "EJEMPLO: Centro comercial, local 000 (configura LIBRES_PICKUP_POINTS)",
	City:    "Bogotá", Department: "Bogotá D.C.",
	HoursES:        "Lunes a sábado de 10:00 a 20:00; domingos y festivos de 11:00 a 18:00",
	HoursEN:        "Monday to Saturday 10 am to 8 pm; Sundays and holidays 11 am to 6 pm",
	InstructionsES: "Atiende el equipo de personas que recuperaron su libertad. Trae tu documento y el número del pedido.",
	InstructionsEN: "Staffed by people who regained their freedom. Bring your ID and the order number.",
	Sample:         true}

// loadPickup reads LIBRES_PICKUP_POINTS ("none": no pickup; empty: the sample store)
// and LIBRES_PICKUP_UNCOLLECTED_DAYS into o.
func loadPickup(str func(name, def string) string, o *Orders, errs []error) []error {
	o.PickupUncollectedDays = 14
	if v := str("LIBRES_PICKUP_UNCOLLECTED_DAYS", "14"); v != "14" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 365 {
			errs = append(errs, &Error{"LIBRES_PICKUP_UNCOLLECTED_DAYS", v, "want a whole number of days from 1 to 365"})
		} else {
			o.PickupUncollectedDays = n
		}
	}
	raw := strings.TrimSpace(str("LIBRES_PICKUP_POINTS", ""))
	switch raw {
	case "":
		o.PickupPoints = []PickupPoint{samplePickup}
		return errs
	case "none":
		return errs
	}
	const want = `want a JSON array of points {"id","name","address","city","department","hours_es","hours_en","instructions_es","instructions_en","workshops"} (id, name, address, city and department required, ids unique and at most 64 characters), or none`
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	var pts []PickupPoint
	if err := dec.Decode(&pts); err != nil {
		return append(errs, &Error{"LIBRES_PICKUP_POINTS", raw, want + ": " + err.Error()})
	}
	seen := map[string]bool{}
	for i, p := range pts {
		if p.ID == "" || len(p.ID) > 64 || seen[p.ID] || p.Name == "" || p.Address == "" || p.City == "" || p.Department == "" {
			return append(errs, &Error{"LIBRES_PICKUP_POINTS", raw, fmt.Sprintf("%s (point %d)", want, i+1)})
		}
		seen[p.ID] = true
		if p.HoursEN == "" {
			pts[i].HoursEN = p.HoursES
		}
		if p.InstructionsEN == "" {
			pts[i].InstructionsEN = p.InstructionsES
		}
	}
	o.PickupPoints = pts
	return errs
}

func (o Orders) pickupLines() [][2]string {
	var ids []string
	for _, p := range o.PickupPoints {
		id := p.ID
		if p.Sample {
			id += " (sample)"
		}
		ids = append(ids, id)
	}
	points := strings.Join(ids, ",")
	if points == "" {
		points = "none"
	}
	return [][2]string{{"LIBRES_PICKUP_POINTS", points}, {"LIBRES_PICKUP_UNCOLLECTED_DAYS", strconv.Itoa(o.PickupUncollectedDays)}}
}

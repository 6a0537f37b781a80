package seed

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestCatalogSize(t *testing.T) {
	ps := Products()
	perCat := map[string]int{}
	var featured, exempt int
	for _, p := range ps {
		perCat[p.Category]++
		if p.Featured {
			featured++
		}
		if p.TaxClass == "exempt" {
			exempt++
		}
	}
	tests := []struct {
		name     string
		got, min int
		max      int // 0 = no upper bound
	}{
		{"products", len(ps), 40, 0},
		{"workshops", len(Workshops()), 6, 0},
		{"categories", len(Categories()), 4, 4},
		{"shoes", perCat["shoes"], 14, 0},
		{"clothing", perCat["clothing"], 6, 0},
		{"bags and accessories", perCat["bags-accessories"], 6, 0},
		{"home and crafts", perCat["home-crafts"], 6, 0},
		{"featured", featured, 6, 10},
		{"exempt", exempt, 1, len(ps) / 2},
	}
	for _, tt := range tests {
		if tt.got < tt.min || tt.max > 0 && tt.got > tt.max {
			t.Errorf("%s: got %d, want between %d and %d (0 = any)", tt.name, tt.got, tt.min, tt.max)
		}
	}
}

func TestIdentifiersUnique(t *testing.T) {
	seen := map[string]string{}
	unique := func(kind, id string, needSlug bool) {
		t.Helper()
		if needSlug && !slugRE.MatchString(id) {
			t.Errorf("%s %q is not a lowercase ASCII hyphenated slug", kind, id)
		}
		if prev, ok := seen[kind+" "+id]; ok {
			t.Errorf("%s %q used twice (%s)", kind, id, prev)
		}
		seen[kind+" "+id] = id
	}
	for _, c := range Categories() {
		unique("category", c.Slug, true)
	}
	for _, w := range Workshops() {
		unique("workshop", w.Slug, true)
	}
	for _, p := range Products() {
		unique("product", p.Slug, true)
		for _, v := range p.Variants {
			unique("SKU", v.SKU, false)
			if !strings.HasPrefix(v.SKU, "LB-") || strings.ContainsAny(v.SKU, " abcdefghijklmnopqrstuvwxyz") {
				t.Errorf("%s: SKU %q should be LB- followed by upper-case codes", p.Slug, v.SKU)
			}
		}
	}
}

func TestReferencesResolve(t *testing.T) {
	used := map[string]int{}
	cats := map[string]bool{}
	for _, c := range Categories() {
		cats[c.Slug] = true
	}
	for _, w := range Workshops() {
		used[w.Slug] = 0
	}
	for _, p := range Products() {
		n, ok := used[p.Workshop]
		if !ok {
			t.Errorf("%s: unknown workshop %q", p.Slug, p.Workshop)
		}
		used[p.Workshop] = n + 1
		if !cats[p.Category] {
			t.Errorf("%s: unknown category %q", p.Slug, p.Category)
		}
	}
	for w, n := range used {
		if n == 0 {
			t.Errorf("workshop %s has no products", w)
		}
	}
}

func TestProductFields(t *testing.T) {
	for _, p := range Products() {
		texts := map[string]string{"TitleES": p.TitleES, "TitleEN": p.TitleEN, "DescES": p.DescES,
			"DescEN": p.DescEN, "AltES": p.AltES, "AltEN": p.AltEN}
		for name, s := range texts {
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s: %s is empty", p.Slug, name)
			}
		}
		if p.TitleES == p.TitleEN && p.TitleES != "" {
			t.Errorf("%s: English title is the Spanish one", p.Slug)
		}
		if p.PriceCOP <= 0 || p.PriceCOP%1000 != 0 {
			t.Errorf("%s: price %d should be positive whole thousands of pesos", p.Slug, p.PriceCOP)
		}
		if p.TaxClass != "standard" && p.TaxClass != "exempt" {
			t.Errorf("%s: tax class %q", p.Slug, p.TaxClass)
		}
		if p.DaysAgo < 0 {
			t.Errorf("%s: DaysAgo %d", p.Slug, p.DaysAgo)
		}
		if !knownKind(p.Art.Kind) || len(p.Art.Palette) == 0 {
			t.Errorf("%s: art kind %q with %d colours has no drawing", p.Slug, p.Art.Kind, len(p.Art.Palette))
		}
		if len(p.Variants) == 0 {
			t.Errorf("%s: no variants", p.Slug)
		}
		for _, v := range p.Variants {
			if v.Stock < 0 || v.PriceOverrideCOP < 0 {
				t.Errorf("%s: variant %s has stock %d, price override %d", p.Slug, v.SKU, v.Stock, v.PriceOverrideCOP)
			}
			if (v.Color == "") != (v.ColorEN == "") {
				t.Errorf("%s: variant %s colour %q/%q needs both languages", p.Slug, v.SKU, v.Color, v.ColorEN)
			}
		}
	}
}

func TestShoeStock(t *testing.T) {
	var shoes, twoSoldOut, allSoldOut, with38 int
	for _, p := range Products() {
		if p.Category != "shoes" {
			continue
		}
		shoes++
		var sizes []string
		zeros, total := 0, 0
		for _, v := range p.Variants {
			sizes = append(sizes, v.Size)
			total += v.Stock
			if v.Stock == 0 {
				zeros++
			}
			if v.Stock > 12 {
				t.Errorf("%s: size %s has %d pairs, want at most 12", p.Slug, v.Size, v.Stock)
			}
			if v.Size == "38" && v.Stock > 0 {
				with38++
			}
		}
		if !slices.Equal(sizes, shoeSizes()) {
			t.Errorf("%s: sizes %v, want %v", p.Slug, sizes, shoeSizes())
		}
		if zeros >= 2 {
			twoSoldOut++
		}
		if total == 0 {
			allSoldOut++
		}
	}
	if twoSoldOut*2 <= shoes {
		t.Errorf("%d of %d shoes have two or more sold-out sizes, want most", twoSoldOut, shoes)
	}
	if allSoldOut != 1 {
		t.Errorf("%d shoes entirely sold out, want exactly 1", allSoldOut)
	}
	if with38 < 5 {
		t.Errorf("size 38 in stock on %d shoes, want several", with38)
	}
}

func TestVariantSizes(t *testing.T) {
	for _, p := range Products() {
		switch p.Category {
		case "clothing":
			perColor := map[string][]string{}
			for _, v := range p.Variants {
				perColor[v.Color] = append(perColor[v.Color], v.Size)
			}
			for c, sizes := range perColor {
				if !slices.Equal(sizes, []string{"S", "M", "L", "XL"}) {
					t.Errorf("%s: colour %q has sizes %v, want S M L XL", p.Slug, c, sizes)
				}
			}
		case "bags-accessories", "home-crafts":
			for _, v := range p.Variants {
				if v.Size != "" {
					t.Errorf("%s: unsized product has size %q", p.Slug, v.Size)
				}
			}
		}
	}
}

// TestSearchWords guards the words the storefront's search tests look for.
func TestSearchWords(t *testing.T) {
	count := func(f func(title string) bool) int {
		n := 0
		for _, p := range Products() {
			if f(p.TitleES) {
				n++
			}
		}
		return n
	}
	singular := regexp.MustCompile(`\bZapato\b`)
	tests := []struct {
		name string
		min  int
		f    func(string) bool
	}{
		{"café", 2, func(s string) bool { return strings.Contains(strings.ToLower(s), "café") }},
		{"Zapato (singular)", 3, singular.MatchString},
		{"Sandalias or Botas", 1, func(s string) bool {
			return strings.Contains(s, "Sandalias") || strings.Contains(s, "Botas")
		}},
	}
	for _, tt := range tests {
		if got := count(tt.f); got < tt.min {
			t.Errorf("%s: %d Spanish titles, want at least %d", tt.name, got, tt.min)
		}
	}
}

// TestSpanishAccents catches common words typed without their accents.
func TestSpanishAccents(t *testing.T) {
	unaccented := regexp.MustCompile(`\b(Bogota|algodon|diseno|artesania|ceramica|Cojin|cojin|Cinturon|cinturon|Pantalon|pantalon)\b`)
	check := func(where, s string) {
		t.Helper()
		if m := unaccented.FindString(s); m != "" {
			t.Errorf("%s: %q is missing its accent", where, m)
		}
	}
	for _, p := range Products() {
		check(p.Slug, p.TitleES+" "+p.DescES+" "+p.AltES)
	}
	for _, w := range Workshops() {
		check(w.Slug, w.Name+" "+w.Facility+" "+w.City+" "+w.StoryES+" "+w.Consent.Note)
	}
	for _, c := range Categories() {
		check(c.Slug, c.NameES+" "+c.DescES)
	}
}

func TestWorkshops(t *testing.T) {
	departments := []string{"Amazonas", "Antioquia", "Arauca", "Atlántico", "Bogotá D.C.", "Bolívar", "Boyacá",
		"Caldas", "Caquetá", "Casanare", "Cauca", "Cesar", "Chocó", "Córdoba", "Cundinamarca", "Guainía",
		"Guaviare", "Huila", "La Guajira", "Magdalena", "Meta", "Nariño", "Norte de Santander", "Putumayo",
		"Quindío", "Risaralda", "San Andrés y Providencia", "Santander", "Sucre", "Tolima", "Valle del Cauca",
		"Vaupés", "Vichada"}
	var creditOnly, postRelease int
	for _, w := range Workshops() {
		if w.FacilityKind != "prison" && w.FacilityKind != "post_release" {
			t.Errorf("%s: facility kind %q", w.Slug, w.FacilityKind)
		}
		if w.FacilityKind == "post_release" {
			postRelease++
		}
		if !slices.Contains(departments, w.Department) {
			t.Errorf("%s: %q is not a Colombian department", w.Slug, w.Department)
		}
		for name, s := range map[string]string{"Name": w.Name, "Facility": w.Facility, "City": w.City,
			"Craft": w.Craft, "CraftEN": w.CraftEN, "StoryES": w.StoryES, "StoryEN": w.StoryEN,
			"Consent.RecordedBy": w.Consent.RecordedBy, "Consent.Note": w.Consent.Note} {
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s: %s is empty", w.Slug, name)
			}
		}
		if _, err := time.Parse(time.DateOnly, w.Consent.RecordedOn); err != nil {
			t.Errorf("%s: consent date: %v", w.Slug, err)
		}
		c := w.Consent
		if c.ShowPeoplePhotos && !c.ShowWorkshopPhotos {
			t.Errorf("%s: people photos allowed but not workshop photos", w.Slug)
		}
		if !c.ShowFirstNames && !c.ShowPeoplePhotos {
			creditOnly++
		}
	}
	if creditOnly*2 <= len(Workshops()) {
		t.Errorf("%d workshops are credited at workshop level only, want most", creditOnly)
	}
	if postRelease == 0 {
		t.Error("no post-release workshop")
	}
}

func TestCatalogDeterministic(t *testing.T) {
	if !reflect.DeepEqual(Products(), Products()) || !reflect.DeepEqual(Workshops(), Workshops()) {
		t.Error("two calls returned different catalogs")
	}
}

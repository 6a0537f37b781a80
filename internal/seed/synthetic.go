package seed

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/media"
)

// SyntheticOptions tune Synthetic.
type SyntheticOptions struct {
	// Products is how many products to make; 0 means 10,000.
	Products int
	// IfEmpty leaves a store that already has products alone (and returns nil).
	IfEmpty bool
	// PhotoWidth is the width of the few generated source photos; 0 means 1280, enough
	// for every rendition.
	PhotoWidth int
}

// SyntheticVariantsPerProduct is how many variants each synthetic product has: 8 shoe
// sizes, 4 clothing sizes in 2 colours, or 8 colours of an unsized good.
const SyntheticVariantsPerProduct = 8

// syntheticBatch is how many products go in one INSERT (with their variants and photos).
const syntheticBatch = 1000

// syntheticColors are the colours of unsized goods and the second colour of clothing.
var syntheticColors = []colorName{
	{"NEG", "Negro", "Black"}, {"CAF", "Café", "Brown"}, {"MIE", "Miel", "Honey"},
	{"NAT", "Natural", "Natural"}, {"AZU", "Azul", "Blue"}, {"ROJ", "Rojo", "Red"},
	{"VER", "Verde", "Green"}, {"GRI", "Gris", "Grey"},
}

// syntheticSeries name the product lines that tell synthetic products apart.
var syntheticSeries = []struct{ slug, es, en string }{
	{"andina", "serie Andina", "Andean line"}, {"caribe", "serie Caribe", "Caribbean line"},
	{"llanera", "serie Llanera", "Plains line"}, {"pacifico", "serie Pacífico", "Pacific line"},
	{"cafetera", "serie Cafetera", "Coffee line"}, {"amazonia", "serie Amazonía", "Amazon line"},
}

// Synthetic writes a large made-up catalog for measuring growth (`make bench`): opts.Products
// products (10,000 by default) with SyntheticVariantsPerProduct variants each, spread over
// the demo's workshops and categories (created when missing), titled and priced after the
// demo products, with two photos each shared per category (a few generated photos stored
// once through the upload pipeline). It is deterministic: the same options give the same
// rows, except publication times, which are relative to now. Rows go in with multi-row
// INSERTs in one transaction, so a failure leaves nothing behind. Like Load, it refuses a
// store that already has products (ErrNotEmpty) unless opts.IfEmpty. It is not the demo:
// no accounts, orders or quotes, and the "demo" setting is not set.
func Synthetic(ctx context.Context, conn *sqlx.DB, store media.Store, log *slog.Logger, opts SyntheticOptions) error {
	var n int
	if err := conn.GetContext(ctx, &n, `SELECT count(*) FROM products`); err != nil {
		return fmt.Errorf("count products: %w", err)
	}
	if n > 0 {
		if opts.IfEmpty {
			log.Info("catalog not empty: synthetic catalog not loaded", "products", n)
			return nil
		}
		return fmt.Errorf("seed synthetic: %w (%d products)", ErrNotEmpty, n)
	}
	if opts.Products <= 0 {
		opts.Products = 10_000
	}
	if opts.PhotoWidth <= 0 {
		opts.PhotoWidth = 1280
	}
	start := time.Now()
	photos, err := syntheticPhotos(ctx, store, opts.PhotoWidth)
	if err != nil {
		return err
	}
	gen := &syntheticGen{base: Products(), now: time.Now()}
	err = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		catIDs, wsIDs, err := demoPlaces(ctx, tx)
		if err != nil {
			return err
		}
		for from := 0; from < opts.Products; from += syntheticBatch {
			to := min(from+syntheticBatch, opts.Products)
			if err := gen.insertBatch(ctx, tx, from, to, catIDs, wsIDs, photos); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("load synthetic catalog: %w", err)
	}
	// Fresh statistics, so that the planner sees the big catalog the bench measures.
	if _, err := conn.ExecContext(ctx, `ANALYZE products, variants, photos`); err != nil {
		return fmt.Errorf("analyze synthetic catalog: %w", err)
	}
	log.Info("synthetic catalog loaded", "products", opts.Products,
		"variants", opts.Products*SyntheticVariantsPerProduct, "duration", time.Since(start).Round(time.Millisecond))
	return nil
}

// syntheticPhoto is a stored photo and the alt text of the demo product it shows.
type syntheticPhoto struct {
	media.Photo
	AltES, AltEN string
}

// syntheticPhotos stores two photos per category, drawn for the category's first demo
// product, through the same pipeline as uploads.
func syntheticPhotos(ctx context.Context, store media.Store, width int) (map[string][]syntheticPhoto, error) {
	out := map[string][]syntheticPhoto{}
	for _, p := range Products() {
		if _, done := out[p.Category]; done {
			continue
		}
		var phs []syntheticPhoto
		for i, img := range renderPhotos(p, 2, width, width*3/4) {
			var buf bytes.Buffer
			if err := encode(&buf, img); err != nil {
				return nil, fmt.Errorf("encode synthetic photo %d of %s: %w", i, p.Slug, err)
			}
			ph, err := media.Process(ctx, store, &buf)
			if err != nil {
				return nil, fmt.Errorf("store synthetic photo %d of %s: %w", i, p.Slug, err)
			}
			phs = append(phs, syntheticPhoto{Photo: ph, AltES: p.AltES, AltEN: p.AltEN})
		}
		out[p.Category] = phs
	}
	return out, nil
}

// demoPlaces makes sure the demo's categories and workshops exist and returns their ids
// by slug (category key, workshop slug).
func demoPlaces(ctx context.Context, tx *sqlx.Tx) (cats, workshops map[string]int64, err error) {
	cats = map[string]int64{}
	for _, c := range Categories() {
		id, err := catalog.UpsertCategory(ctx, tx, catalog.Category{Key: c.Slug, SlugES: categorySlugs[c.Slug][0], SlugEN: categorySlugs[c.Slug][1],
			NameES: c.NameES, NameEN: c.NameEN, DescES: c.DescES, DescEN: c.DescEN, Position: c.Position})
		if err != nil {
			return nil, nil, err
		}
		cats[c.Slug] = id
	}
	var have []struct {
		ID   int64  `db:"id"`
		Slug string `db:"slug"`
	}
	if err := tx.SelectContext(ctx, &have, `SELECT id, slug FROM workshops`); err != nil {
		return nil, nil, fmt.Errorf("read workshops: %w", db.Translate(err))
	}
	workshops = map[string]int64{}
	for _, w := range have {
		workshops[w.Slug] = w.ID
	}
	for _, w := range Workshops() {
		if workshops[w.Slug] != 0 {
			continue
		}
		id, err := catalog.CreateWorkshop(ctx, tx, workshopRow(w))
		if err != nil {
			return nil, nil, err
		}
		workshops[w.Slug] = id
	}
	return cats, workshops, nil
}

// syntheticGen derives every synthetic product from a demo product and a seeded random
// source, so the catalog is the same on every run.
type syntheticGen struct {
	base []Product
	now  time.Time
}

// syntheticProduct is one generated product row with its variants.
type syntheticProduct struct {
	Product
	Status      catalog.Status
	PriceMinor  int64
	PublishedAt time.Time
}

// product returns the i-th synthetic product; it depends on i alone.
func (g *syntheticGen) product(i int) syntheticProduct {
	r := rand.New(rand.NewPCG(uint64(i), 0x11b7e5))
	b := g.base[i%len(g.base)]
	s := syntheticSeries[(i/len(g.base))%len(syntheticSeries)]
	n := strconv.Itoa(i/len(g.base)/len(syntheticSeries) + 1)
	p := b
	p.Slug = b.Slug + "-" + s.slug + "-" + n
	p.TitleES = b.TitleES + ", " + s.es + " " + n
	p.TitleEN = b.TitleEN + ", " + s.en + " " + n
	p.Featured = i%500 == 0
	code := "SYN-" + strconv.Itoa(i)
	stock := func() int { return r.IntN(21) }
	switch b.Category {
	case "shoes":
		p.Variants = nil
		color := b.Variants[0]
		for _, size := range shoeSizes()[:8] {
			p.Variants = append(p.Variants, Variant{SKU: code + "-" + size, Size: size, Color: color.Color, ColorEN: color.ColorEN, Stock: stock()})
		}
	case "clothing":
		c1 := syntheticColors[i%len(syntheticColors)]
		c2 := syntheticColors[(i+3)%len(syntheticColors)]
		p.Variants = sized(code, []colorName{c1, c2}, stock(), stock(), stock(), stock(), stock(), stock(), stock(), stock())
	default:
		p.Variants = single(code, syntheticColors, stock(), stock(), stock(), stock(), stock(), stock(), stock(), stock())
	}
	out := syntheticProduct{Product: p, Status: catalog.StatusActive}
	switch k := r.IntN(100); {
	case k < 2:
		out.Status = catalog.StatusDraft
	case k < 3:
		out.Status = catalog.StatusArchived
	}
	// 80% to 130% of the demo price, in whole thousands of pesos.
	out.PriceMinor = (b.PriceCOP * int64(80+r.IntN(51)) / 100 / 1000) * 1000 * 100
	out.PublishedAt = g.now.Add(-time.Duration(r.IntN(720*24)) * time.Hour)
	return out
}

// insertBatch writes products [from, to) with their variants and photos.
func (g *syntheticGen) insertBatch(ctx context.Context, tx *sqlx.Tx, from, to int, catIDs, wsIDs map[string]int64, photos map[string][]syntheticPhoto) error {
	var (
		slugs, titlesES, titlesEN, descsES, descsEN, statuses, taxes []string
		workshops, categories, prices                                []int64
		featured                                                     []bool
		published                                                    []time.Time
	)
	ps := make([]syntheticProduct, 0, to-from)
	for i := from; i < to; i++ {
		p := g.product(i)
		ws, cat := wsIDs[p.Workshop], catIDs[p.Category]
		if ws == 0 || cat == 0 {
			return fmt.Errorf("synthetic product %s: unknown workshop %q or category %q", p.Slug, p.Workshop, p.Category)
		}
		ps = append(ps, p)
		slugs, titlesES, titlesEN = append(slugs, p.Slug), append(titlesES, p.TitleES), append(titlesEN, p.TitleEN)
		descsES, descsEN = append(descsES, p.DescES), append(descsEN, p.DescEN)
		statuses, taxes = append(statuses, string(p.Status)), append(taxes, string(p.TaxClass))
		workshops, categories, prices = append(workshops, ws), append(categories, cat), append(prices, p.PriceMinor)
		featured, published = append(featured, p.Featured), append(published, p.PublishedAt)
	}
	const insProducts = `INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, description_es,
			description_en, status, price_minor, currency, tax_class, featured, published_at)
		SELECT slug, ws, cat, tes, ten, des, den, st::product_status, price, 'COP', tax::tax_class, feat, pub
		FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
			$8::text[], $9::bigint[], $10::text[], $11::boolean[], $12::timestamptz[])
			AS t(slug, ws, cat, tes, ten, des, den, st, price, tax, feat, pub)
		RETURNING id, slug`
	rows, err := tx.QueryxContext(ctx, insProducts, pq.Array(slugs), pq.Array(workshops), pq.Array(categories),
		pq.Array(titlesES), pq.Array(titlesEN), pq.Array(descsES), pq.Array(descsEN), pq.Array(statuses),
		pq.Array(prices), pq.Array(taxes), pq.Array(featured), pq.Array(published))
	if err != nil {
		return fmt.Errorf("insert synthetic products %d-%d: %w", from, to, db.Translate(err))
	}
	ids := map[string]int64{}
	for rows.Next() {
		var id int64
		var slug string
		if err := rows.Scan(&id, &slug); err != nil {
			rows.Close()
			return fmt.Errorf("read synthetic product id: %w", err)
		}
		ids[slug] = id
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("read synthetic product ids: %w", err)
	}
	if err := insertSyntheticVariants(ctx, tx, ps, ids); err != nil {
		return err
	}
	return insertSyntheticPhotos(ctx, tx, ps, ids, photos)
}

func insertSyntheticVariants(ctx context.Context, tx *sqlx.Tx, ps []syntheticProduct, ids map[string]int64) error {
	var (
		products, stock, pos            []int64
		skus, sizes, colorsES, colorsEN []string
	)
	for _, p := range ps {
		for k, v := range p.Variants {
			products, stock, pos = append(products, ids[p.Slug]), append(stock, int64(v.Stock)), append(pos, int64(k))
			skus, sizes = append(skus, v.SKU), append(sizes, v.Size)
			colorsES, colorsEN = append(colorsES, v.Color), append(colorsEN, v.ColorEN)
		}
	}
	const ins = `INSERT INTO variants (product_id, sku, size, color_es, color_en, stock_on_hand, position)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[])`
	_, err := tx.ExecContext(ctx, ins, pq.Array(products), pq.Array(skus), pq.Array(sizes),
		pq.Array(colorsES), pq.Array(colorsEN), pq.Array(stock), pq.Array(pos))
	if err != nil {
		return fmt.Errorf("insert synthetic variants: %w", db.Translate(err))
	}
	return nil
}

func insertSyntheticPhotos(ctx context.Context, tx *sqlx.Tx, ps []syntheticProduct, ids map[string]int64, photos map[string][]syntheticPhoto) error {
	var (
		products, widths, heights, pos []int64
		keys, rends, altsES, altsEN    []string
		webp                           []bool
	)
	for _, p := range ps {
		for k, ph := range photos[p.Category] {
			products, widths, heights = append(products, ids[p.Slug]), append(widths, int64(ph.Width)), append(heights, int64(ph.Height))
			pos, keys, webp = append(pos, int64(k)), append(keys, ph.Key), append(webp, ph.WebP)
			altsES, altsEN = append(altsES, ph.AltES), append(altsEN, ph.AltEN)
			// int[] columns cannot come out of unnest of a 2-D array row by row, so each
			// photo's renditions travel as an array literal.
			rends = append(rends, intArrayLiteral(ph.Renditions))
		}
	}
	const ins = `INSERT INTO photos (product_id, object_key, width, height, renditions, webp, alt_es, alt_en, position)
		SELECT pid, key, w, h, r::int[], webp, aes, aen, pos
		FROM unnest($1::bigint[], $2::text[], $3::int[], $4::int[], $5::text[], $6::boolean[], $7::text[], $8::text[], $9::int[])
			AS t(pid, key, w, h, r, webp, aes, aen, pos)`
	_, err := tx.ExecContext(ctx, ins, pq.Array(products), pq.Array(keys), pq.Array(widths), pq.Array(heights),
		pq.Array(rends), pq.Array(webp), pq.Array(altsES), pq.Array(altsEN), pq.Array(pos))
	if err != nil {
		return fmt.Errorf("insert synthetic photos: %w", db.Translate(err))
	}
	return nil
}

// intArrayLiteral writes ints as a PostgreSQL array literal, "{320,640,1280}".
func intArrayLiteral(ns []int) string {
	b := []byte{'{'}
	for i, n := range ns {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return string(append(b, '}'))
}

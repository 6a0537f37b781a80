package seed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/media"
)

// ErrNotEmpty is returned when the catalog already has products.
var ErrNotEmpty = errors.New("the catalog already has products")

// Options tune Load.
type Options struct {
	// IfEmpty leaves a store that already has products alone (and returns nil).
	IfEmpty bool
	// PhotoWidth is the width of the generated source photos (4:3); 0 means 1600.
	// Tests use small photos: the pipeline is the same, only the pixels are fewer.
	PhotoWidth int
}

// Load writes the demo catalog: photos first (content-hashed keys, so a retry stores
// nothing twice), then every row in one transaction, so a failure leaves no half catalog.
// The demo accounts (DemoUsers) come in the same transaction; the demo orders
// (DemoOrders) follow, through the order service.
// Loading into a store that already has products is an error (ErrNotEmpty) unless
// opts.IfEmpty, when it is a no-op.
func Load(ctx context.Context, conn *sqlx.DB, store media.Store, log *slog.Logger, opts Options) error {
	var n int
	if err := conn.GetContext(ctx, &n, `SELECT count(*) FROM products`); err != nil {
		return fmt.Errorf("count products: %w", err)
	}
	if n > 0 {
		if opts.IfEmpty {
			log.Info("catalog not empty: demo data not loaded", "products", n)
			return nil
		}
		return fmt.Errorf("seed demo: %w (%d products)", ErrNotEmpty, n)
	}
	start := time.Now()
	products := Products()
	width := opts.PhotoWidth
	if width <= 0 {
		width = photoW
	}
	photos, err := processPhotos(ctx, store, products, width)
	if err != nil {
		return err
	}
	log.Info("demo photos stored", "products", len(products), "duration", time.Since(start).Round(time.Millisecond))
	now := time.Now()
	err = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		catIDs := map[string]int64{}
		for _, c := range Categories() {
			id, err := catalog.UpsertCategory(ctx, tx, catalog.Category{Key: c.Slug, SlugES: categorySlugs[c.Slug][0], SlugEN: categorySlugs[c.Slug][1],
				NameES: c.NameES, NameEN: c.NameEN, DescES: c.DescES, DescEN: c.DescEN, Position: c.Position})
			if err != nil {
				return err
			}
			catIDs[c.Slug] = id
		}
		wsIDs := map[string]int64{}
		for _, w := range Workshops() {
			id, err := catalog.CreateWorkshop(ctx, tx, workshopRow(w))
			if err != nil {
				return err
			}
			wsIDs[w.Slug] = id
		}
		for i, p := range products {
			published := now.Add(-time.Duration(p.DaysAgo) * 24 * time.Hour)
			row := catalog.Product{Slug: p.Slug, WorkshopID: wsIDs[p.Workshop], CategoryID: catIDs[p.Category],
				TitleES: p.TitleES, TitleEN: p.TitleEN, DescES: p.DescES, DescEN: p.DescEN,
				Status: catalog.StatusActive, PriceMinor: p.PriceCOP * 100, Currency: "COP",
				TaxClass: p.TaxClass, Featured: p.Featured, PublishedAt: &published}
			if row.WorkshopID == 0 || row.CategoryID == 0 {
				return fmt.Errorf("demo product %s: unknown workshop %q or category %q", p.Slug, p.Workshop, p.Category)
			}
			for _, v := range p.Variants {
				cv := catalog.Variant{SKU: v.SKU, Size: v.Size, ColorES: v.Color, ColorEN: v.ColorEN, Stock: v.Stock}
				if v.PriceOverrideCOP > 0 {
					minor := v.PriceOverrideCOP * 100
					cv.PriceOverride = &minor
				}
				row.Variants = append(row.Variants, cv)
			}
			id, err := catalog.CreateProduct(ctx, tx, row)
			if err != nil {
				return err
			}
			for pos, ph := range photos[i] {
				rends := make([]int64, len(ph.Renditions))
				for k, w := range ph.Renditions {
					rends[k] = int64(w)
				}
				err := catalog.AddPhoto(ctx, tx, catalog.Photo{ProductID: id, Key: ph.Key, Width: ph.Width,
					Height: ph.Height, Renditions: rends, WebP: ph.WebP, AltES: p.AltES, AltEN: p.AltEN, Position: pos})
				if err != nil {
					return err
				}
			}
		}
		if err := DemoUsers(ctx, tx, wsIDs); err != nil {
			return err
		}
		return catalog.SetSetting(ctx, tx, "demo", "true")
	})
	if err != nil {
		return fmt.Errorf("load demo catalog: %w", err)
	}
	// Orders go through the order service, each in its own transaction, after the catalog.
	if err := DemoOrders(ctx, conn, log); err != nil {
		return fmt.Errorf("load demo orders: %w", err)
	}
	if err := DemoQuotes(ctx, conn, store, log); err != nil {
		return fmt.Errorf("load demo quotes: %w", err)
	}
	log.Info("demo catalog loaded", "workshops", len(Workshops()), "products", len(products), "duration", time.Since(start).Round(time.Millisecond))
	return nil
}

// categorySlugs gives each category key its URL slug in Spanish and English.
var categorySlugs = map[string][2]string{
	"shoes":            {"calzado", "shoes"},
	"clothing":         {"ropa", "clothing"},
	"bags-accessories": {"bolsos-y-accesorios", "bags-accessories"},
	"home-crafts":      {"hogar-y-artesanias", "home-crafts"},
}

func workshopRow(w Workshop) catalog.Workshop {
	row := catalog.Workshop{Slug: w.Slug, Name: w.Name, Facility: w.Facility, FacilityKind: w.FacilityKind,
		City: w.City, Department: w.Department, CraftES: w.Craft, CraftEN: w.CraftEN,
		StoryES: w.StoryES, StoryEN: w.StoryEN, Active: true}
	row.Consent = catalog.Consent{WorkshopPhotos: w.Consent.ShowWorkshopPhotos, FirstNames: w.Consent.ShowFirstNames,
		PeoplePhotos: w.Consent.ShowPeoplePhotos, RecordedBy: w.Consent.RecordedBy, Note: w.Consent.Note}
	if t, err := time.Parse("2006-01-02", w.Consent.RecordedOn); err == nil {
		row.Consent.RecordedOn = &t
	}
	return row
}

// processPhotos renders and stores every product's photos through the same pipeline
// uploads use, on all cores.
func processPhotos(ctx context.Context, store media.Store, products []Product, width int) ([][]media.Photo, error) {
	out := make([][]media.Photo, len(products))
	errs := make([]error, len(products))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				out[i], errs[i] = productPhotos(ctx, store, products[i], width)
			}
		}()
	}
	for i := range products {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func productPhotos(ctx context.Context, store media.Store, p Product, width int) ([]media.Photo, error) {
	var photos []media.Photo
	for i, img := range renderPhotos(p, photoCount(p), width, width*3/4) {
		var buf bytes.Buffer
		if err := encode(&buf, img); err != nil {
			return nil, fmt.Errorf("encode photo %d of %s: %w", i, p.Slug, err)
		}
		ph, err := media.Process(ctx, store, &buf)
		if err != nil {
			return nil, fmt.Errorf("store photo %d of %s: %w", i, p.Slug, err)
		}
		photos = append(photos, ph)
	}
	return photos, nil
}

// encode writes a fast PNG: the pipeline re-encodes it anyway.
func encode(buf *bytes.Buffer, img image.Image) error {
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	return enc.Encode(buf, img)
}

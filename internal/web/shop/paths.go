package shop

// paths are the storefront's URLs in one language. Spanish is unprefixed, English
// lives under /en with English words, so each language has readable URLs.
type paths struct {
	Home, Catalog, Search, Product, Workshops, Workshop string
	Account, Cart, CartQuantity, CartRemove, Checkout   string
	OrderLookup                                         string
	Pages                                               map[string]string // content page name -> path
}

// contentPages are the pages kept as files in web/content/{lang}/NAME.html.
var contentPages = []string{"about", "shipping", "privacy", "terms", "contact"}

var routes = map[string]paths{
	"es": {
		Home: "/", Catalog: "/catalogo", Search: "/buscar", Product: "/producto",
		Workshops: "/talleres", Workshop: "/taller", Account: "/cuenta",
		Cart: "/carrito", CartQuantity: "/carrito/cantidad", CartRemove: "/carrito/quitar", Checkout: "/pagar",
		OrderLookup: "/pedido",
		Pages: map[string]string{"about": "/nosotros", "shipping": "/envios-y-devoluciones",
			"privacy": "/privacidad", "terms": "/terminos", "contact": "/contacto"},
	},
	"en": {
		Home: "/en", Catalog: "/en/catalog", Search: "/en/search", Product: "/en/product",
		Workshops: "/en/workshops", Workshop: "/en/workshop", Account: "/en/account",
		Cart: "/en/cart", CartQuantity: "/en/cart/quantity", CartRemove: "/en/cart/remove", Checkout: "/en/checkout",
		OrderLookup: "/en/order",
		Pages: map[string]string{"about": "/en/about", "shipping": "/en/shipping-returns",
			"privacy": "/en/privacy", "terms": "/en/terms", "contact": "/en/contact"},
	},
}

func productPath(lang, slug string) string  { return routes[lang].Product + "/" + slug }
func workshopPath(lang, slug string) string { return routes[lang].Workshop + "/" + slug }

func categoryPath(lang, slug string) string {
	if slug == "" {
		return routes[lang].Catalog
	}
	return routes[lang].Catalog + "/" + slug
}

// ContentPaths maps each content page's name to its path in lang.
func ContentPaths(lang string) map[string]string { return routes[lang].Pages }

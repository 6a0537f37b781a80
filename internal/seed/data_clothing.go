package seed

// clothingProducts are the garment samples, sized S to XL. The photo shows
// the first colour listed.
func clothingProducts() []Product {
	const (
		vh = "confeccion-villahermosa"
		mb = "modisteria-buen-pastor"
	)
	xl := func(vs []Variant, price int64) []Variant { // larger sizes use more cloth
		for i := range vs {
			if vs[i].Size == "XL" {
				vs[i].PriceOverrideCOP = price
			}
		}
		return vs
	}
	return []Product{
		{
			Slug: "camisa-de-algodon-manga-corta", Workshop: vh, Category: "clothing",
			TitleES: "Camisa de algodón manga corta", TitleEN: "Short-sleeved cotton shirt",
			DescES:   "Camisa fresca de popelina de algodón, con bolsillo al pecho y botones de nácar sintético. Cortada y cosida con costuras francesas que no se deshilachan. Lave en máquina con agua fría y planche a temperatura media.",
			DescEN:   "A cool cotton poplin shirt with a chest pocket and faux mother-of-pearl buttons. Cut and sewn with French seams that do not fray. Machine-wash cold and iron at medium heat.",
			PriceCOP: 99000, TaxClass: "standard",
			Variants: sized("LB-ROP-001", colors("AZC", "Azul cielo", "Sky blue", "BLA", "Blanco", "White"), 3, 6, 5, 2, 4, 7, 0, 1),
			Art:      art("shirt", 0x9cc0dc, 0x6f8fa8, 0xf4f1ea),
			AltES:    "Camisa azul cielo de manga corta extendida sobre una superficie clara.",
			AltEN:    "Sky-blue short-sleeved shirt laid flat on a light surface.",
			DaysAgo:  18,
		},
		{
			Slug: "guayabera-de-lino-blanca", Workshop: vh, Category: "clothing",
			TitleES: "Guayabera de lino blanca", TitleEN: "White linen guayabera",
			DescES:   "Guayabera clásica de lino con alforzas verticales y cuatro bolsillos. Cada alforza se marca y se cose a mano antes de armar la prenda. Lave a mano o en ciclo delicado y planche húmeda.",
			DescEN:   "A classic linen guayabera with vertical pleats and four pockets. Every pleat is marked and sewn by hand before the shirt is assembled. Hand-wash or use a delicate cycle, and iron while damp.",
			PriceCOP: 159000, TaxClass: "standard", Featured: true,
			Variants: xl(sized("LB-ROP-002", colors("BLA", "Blanco", "White"), 4, 6, 3, 2), 169000),
			Art:      art("guayabera", 0xf3efe6, 0xd8d1c2, 0xb8ad98),
			AltES:    "Guayabera blanca de lino con alforzas y bolsillos, extendida.",
			AltEN:    "White linen guayabera with pleats and pockets, laid flat.",
			DaysAgo:  5,
		},
		{
			Slug: "blusa-bordada-de-algodon", Workshop: mb, Category: "clothing",
			TitleES: "Blusa bordada de algodón", TitleEN: "Embroidered cotton blouse",
			DescES:   "Blusa de algodón con cuello camisero y botones bordados en hilo de color. El bordado se hace a mano en el taller y tarda cerca de un día por prenda. Lave a mano, al revés, con jabón suave.",
			DescEN:   "A cotton blouse with a shirt collar and buttons edged in coloured thread. The embroidery is done by hand in the workshop and takes about a day per blouse. Hand-wash inside out with mild soap.",
			PriceCOP: 119000, TaxClass: "standard",
			Variants: sized("LB-ROP-003", colors("ROS", "Rosa palo", "Dusty pink"), 2, 4, 3, 0),
			Art:      art("shirt", 0xe3b7b0, 0xb98881, 0x7a3b4a),
			AltES:    "Blusa rosa palo de manga corta con botones bordados, extendida.",
			AltEN:    "Dusty-pink short-sleeved blouse with embroidered buttons, laid flat.",
			DaysAgo:  66,
		},
		{
			Slug: "camiseta-estampada-libres", Workshop: vh, Category: "clothing",
			TitleES: "Camiseta estampada Libres", TitleEN: "Libres printed T-shirt",
			DescES:   "Camiseta de algodón peinado con el emblema de Libres estampado en serigrafía. Cuello redondo con reata para que no se deforme. Lave al revés en agua fría y no planche sobre el estampado.",
			DescEN:   "A combed-cotton T-shirt with the Libres emblem screen-printed on the chest. A taped crew neck keeps its shape. Wash inside out in cold water and do not iron over the print.",
			PriceCOP: 59000, TaxClass: "standard",
			Variants: sized("LB-ROP-004", colors("NEG", "Negro", "Black", "BLA", "Blanco", "White", "GRI", "Gris", "Grey"), 8, 12, 10, 5, 0, 6, 9, 3, 4, 7, 2, 0),
			Art:      art("tshirt", 0x242424, 0x111111, 0xe9dfc9),
			AltES:    "Camiseta negra con un emblema claro estampado en el pecho, extendida.",
			AltEN:    "Black T-shirt with a light emblem printed on the chest, laid flat.",
			DaysAgo:  30,
		},
		{
			Slug: "camiseta-basica-de-algodon", Workshop: vh, Category: "clothing",
			TitleES: "Camiseta básica de algodón", TitleEN: "Basic cotton T-shirt",
			DescES:   "Camiseta lisa de tejido de punto en algodón nacional, suave y resistente. Costuras de recubridora en mangas y ruedo. Se puede lavar en máquina; séquela a la sombra para conservar el color.",
			DescEN:   "A plain T-shirt in soft, durable Colombian cotton jersey. Cover-stitched sleeves and hem. Machine-washable; dry it in the shade to keep the colour.",
			PriceCOP: 45000, TaxClass: "standard",
			Variants: sized("LB-ROP-005", colors("VER", "Verde oliva", "Olive green", "BLA", "Blanco", "White"), 6, 9, 7, 4, 5, 8, 6, 0),
			Art:      art("tee", 0x6b7146, 0x4a4f30, 0xe8e2cc),
			AltES:    "Camiseta lisa verde oliva extendida sobre una superficie clara.",
			AltEN:    "Plain olive-green T-shirt laid flat on a light surface.",
			DaysAgo:  82,
		},
		{
			Slug: "chaqueta-de-jean", Workshop: vh, Category: "clothing",
			TitleES: "Chaqueta de jean", TitleEN: "Denim jacket",
			DescES:   "Chaqueta de jean de algodón grueso con bolsillos de tapa y pespunte color naranja. Los botones metálicos se ponen a mano con prensa. Lave al revés y poco, para que el índigo envejezca parejo.",
			DescEN:   "A heavy cotton denim jacket with flap pockets and orange topstitching. The metal buttons are set by hand with a press. Wash it inside out and seldom so the indigo ages evenly.",
			PriceCOP: 189000, TaxClass: "standard",
			Variants: xl(sized("LB-ROP-006", colors("IND", "Índigo", "Indigo"), 2, 5, 4, 1), 199000),
			Art:      art("jacket", 0x3f5f8a, 0x2d4566, 0xd98c3a),
			AltES:    "Chaqueta de jean azul con costuras naranjas y bolsillos de tapa, extendida.",
			AltEN:    "Blue denim jacket with orange stitching and flap pockets, laid flat.",
			DaysAgo:  44,
		},
		{
			Slug: "sudadera-con-capucha", Workshop: vh, Category: "clothing",
			TitleES: "Sudadera con capucha", TitleEN: "Hooded sweatshirt",
			DescES:   "Sudadera de algodón perchado por dentro, con capucha, cremallera y bolsillo canguro. Puños y pretina en tejido de rib. Lave en frío con colores similares.",
			DescEN:   "A brushed-back cotton sweatshirt with a hood, a zip and a kangaroo pocket. Ribbed cuffs and waistband. Wash cold with similar colours.",
			PriceCOP: 129000, TaxClass: "standard",
			Variants: sized("LB-ROP-007", colors("GRI", "Gris jaspe", "Heather grey", "VIN", "Vinotinto", "Burgundy"), 3, 7, 6, 2, 0, 4, 5, 1),
			Art:      art("hoodie", 0x8e8f91, 0x5f6063, 0xf0ede6),
			AltES:    "Sudadera gris con capucha y cordones claros, extendida.",
			AltEN:    "Grey hooded sweatshirt with light drawstrings, laid flat.",
			DaysAgo:  110,
		},
		{
			Slug: "vestido-de-algodon-de-lunares", Workshop: mb, Category: "clothing",
			TitleES: "Vestido de algodón de lunares", TitleEN: "Polka-dot cotton dress",
			DescES:   "Vestido sin mangas de algodón estampado con lunares, falda en A y cinturilla en contraste. Diseño y confección del taller de modistería. Lave a mano o en ciclo delicado y seque colgado.",
			DescEN:   "A sleeveless polka-dot cotton dress with an A-line skirt and a contrasting waistband. Designed and sewn by the dressmaking workshop. Hand-wash or use a delicate cycle, and hang to dry.",
			PriceCOP: 149000, TaxClass: "standard",
			Variants: sized("LB-ROP-008", colors("AZU", "Azul marino", "Navy"), 1, 3, 2, 0),
			Art:      art("dress", 0x27385c, 0xd9b45b, 0xf2ede2),
			AltES:    "Vestido azul marino de lunares blancos con cinturilla mostaza, extendido.",
			AltEN:    "Navy dress with white polka dots and a mustard waistband, laid flat.",
			DaysAgo:  24,
		},
		{
			Slug: "pantalon-de-dril", Workshop: vh, Category: "clothing",
			TitleES: "Pantalón de dril", TitleEN: "Cotton drill trousers",
			DescES:   "Pantalón recto de dril de algodón con bolsillos sesgados y pasadores para cinturón. Las costuras internas van sobrehiladas para durar. Lave en máquina y planche por el revés.",
			DescEN:   "Straight trousers in cotton drill with slanted pockets and belt loops. Inner seams are overlocked to last. Machine-wash and iron inside out.",
			PriceCOP: 119000, TaxClass: "standard",
			Variants: sized("LB-ROP-009", colors("CAQ", "Caqui", "Khaki", "AZO", "Azul oscuro", "Navy"), 4, 6, 5, 3, 2, 5, 4, 0),
			Art:      art("pants", 0xb59f78, 0x8a7756, 0xf1e7d0),
			AltES:    "Pantalón caqui de dril con pasadores, extendido.",
			AltEN:    "Khaki drill trousers with belt loops, laid flat.",
			DaysAgo:  102,
		},
		{
			Slug: "camisa-de-lino-color-arena", Workshop: mb, Category: "clothing",
			TitleES: "Camisa de lino color arena", TitleEN: "Sand linen shirt",
			DescES:   "Camisa de manga corta en lino color arena, liviana para clima cálido. Cuello camisero y botones de coco. Lave a mano y deje secar a la sombra; el lino se suaviza con cada lavada.",
			DescEN:   "A short-sleeved shirt in sand-coloured linen, light for hot weather. Shirt collar and coconut-shell buttons. Hand-wash and dry in the shade; linen softens with every wash.",
			PriceCOP: 139000, TaxClass: "standard",
			Variants: sized("LB-ROP-010", colors("ARE", "Arena", "Sand"), 2, 4, 4, 1),
			Art:      art("shirt", 0xd6c2a0, 0xb09a76, 0x6b4f35),
			AltES:    "Camisa de lino color arena con botones oscuros, extendida.",
			AltEN:    "Sand linen shirt with dark buttons, laid flat.",
			DaysAgo:  51,
		},
		{
			Slug: "camisa-polo-de-pique", Workshop: vh, Category: "clothing",
			TitleES: "Camisa polo de algodón piqué", TitleEN: "Cotton piqué polo shirt",
			DescES:   "Polo de algodón piqué con cuello tejido y tapeta de tres botones. Confeccionada con costuras reforzadas en hombros. Lave en frío y seque en horizontal para que no se estire.",
			DescEN:   "A cotton piqué polo with a knitted collar and a three-button placket. Made with reinforced shoulder seams. Wash cold and dry flat so it does not stretch.",
			PriceCOP: 79000, TaxClass: "standard",
			Variants: sized("LB-ROP-011", colors("VER", "Verde botella", "Bottle green", "BLA", "Blanco", "White"), 5, 8, 6, 3, 0, 2, 4, 1),
			Art:      art("shirt", 0x2f5443, 0x1f3a2e, 0xefe8d6),
			AltES:    "Camisa polo verde botella extendida sobre una superficie clara.",
			AltEN:    "Bottle-green polo shirt laid flat on a light surface.",
			DaysAgo:  130,
		},
	}
}

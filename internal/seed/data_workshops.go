package seed

// Workshops returns the sample workshops. Consent differs on purpose so the
// storefront's consent rules can be seen at work: most workshops allow
// workshop-level credit only.
func Workshops() []Workshop {
	return []Workshop{
		{
			Slug: "calzado-buen-pastor", Name: "Taller de Calzado El Buen Pastor",
			Facility: "Reclusión de Mujeres El Buen Pastor", FacilityKind: "prison",
			City: "Bogotá", Department: "Bogotá D.C.", Craft: "Calzado", CraftEN: "Shoemaking",
			StoryES: "En este taller, mujeres privadas de la libertad cortan, cosen y montan calzado de cuero a mano. " +
				"Cada par pasa por varias manos y por un control de calidad antes de salir del establecimiento. " +
				"El oficio se aprende aquí y se lleva como un camino de trabajo para cuando llegue la libertad.",
			StoryEN: "In this workshop, women in prison cut, stitch and last leather shoes by hand. " +
				"Every pair passes through several hands and a quality check before it leaves the facility. " +
				"The trade is learned here and carried on as a way to earn a living after release.",
			Consent: Consent{ShowWorkshopPhotos: true, RecordedOn: "2024-03-11", RecordedBy: "Coordinación de talleres",
				Note: "Se pueden mostrar fotos del espacio del taller, sin personas. Crédito solo al taller."},
		},
		{
			Slug: "calzado-la-picota", Name: "Taller de Calzado La Picota",
			Facility: "Complejo Penitenciario y Carcelario Metropolitano de Bogotá La Picota", FacilityKind: "prison",
			City: "Bogotá", Department: "Bogotá D.C.", Craft: "Calzado", CraftEN: "Shoemaking",
			StoryES: "Un grupo de hombres trabaja en este taller de calzado con máquinas de coser industriales y hormas propias. " +
				"Aquí se hacen zapatos de vestir, botas y tenis, con suelas cosidas que se pueden reparar. " +
				"Muchos de quienes pasan por el taller siguen en el oficio al salir.",
			StoryEN: "A group of men works in this shoemaking workshop with industrial sewing machines and its own lasts. " +
				"Dress shoes, boots and sneakers are made here, with stitched soles that can be repaired. " +
				"Many who pass through the workshop stay in the trade after release.",
			Consent: Consent{ShowWorkshopPhotos: true, ShowFirstNames: true, RecordedOn: "2024-05-20",
				RecordedBy: "Coordinación de talleres y área jurídica",
				Note:       "Quienes participan aceptaron que se muestre su primer nombre en los productos. Sin fotos de personas."},
		},
		{
			Slug: "confeccion-villahermosa", Name: "Taller de Confección Villahermosa",
			Facility: "Cárcel de Villahermosa", FacilityKind: "prison",
			City: "Cali", Department: "Valle del Cauca", Craft: "Confección", CraftEN: "Garment making",
			StoryES: "En este taller se confeccionan camisas, guayaberas y chaquetas con telas de algodón y lino. " +
				"Los patrones se trazan y se cortan en el taller, y cada prenda se termina con costuras dobles. " +
				"Aprender confección abre la puerta a trabajar en la industria textil del Valle.",
			StoryEN: "Shirts, guayaberas and jackets are made here from cotton and linen. " +
				"Patterns are drawn and cut in the workshop, and every garment is finished with double seams. " +
				"Learning garment making opens the door to jobs in the region's textile industry.",
			Consent: Consent{ShowWorkshopPhotos: true, RecordedOn: "2024-04-02", RecordedBy: "Coordinación de talleres",
				Note: "Fotos de máquinas y mesas de corte, sin personas. Crédito solo al taller."},
		},
		{
			Slug: "marroquineria-bellavista", Name: "Taller de Marroquinería Bellavista",
			Facility: "Establecimiento Penitenciario de Bellavista", FacilityKind: "prison",
			City: "Bello", Department: "Antioquia", Craft: "Marroquinería", CraftEN: "Leather goods",
			StoryES: "Bolsos, morrales, billeteras y cinturones se cortan y se cosen a mano en este taller de marroquinería. " +
				"El cuero es curtido en Colombia y los bordes se pulen y se tiñen uno por uno. " +
				"Cada pieza lleva el sello del taller.",
			StoryEN: "Bags, backpacks, wallets and belts are cut and hand-stitched in this leather workshop. " +
				"The leather is tanned in Colombia and every edge is burnished and dyed one by one. " +
				"Each piece carries the workshop's stamp.",
			Consent: Consent{RecordedOn: "2024-06-04", RecordedBy: "Dirección del programa de trabajo",
				Note: "Solo crédito al taller. No se acordaron fotos del espacio ni nombres."},
		},
		{
			Slug: "panaderia-san-diego", Name: "Panadería del Taller San Diego",
			Facility: "Reclusión de Mujeres San Diego", FacilityKind: "prison",
			City: "Cartagena", Department: "Bolívar", Craft: "Panadería", CraftEN: "Bakery",
			StoryES: "En Cartagena, mujeres privadas de la libertad hornean pan, galletas y conservas en el taller de producción. " +
				"La panadería abastece también al restaurante que funciona dentro del establecimiento. " +
				"Las recetas usan ingredientes del Caribe colombiano, como la panela y el maracuyá.",
			StoryEN: "In Cartagena, women in prison bake bread, cookies and preserves in the production workshop. " +
				"The bakery also supplies the restaurant that runs inside the facility. " +
				"The recipes use ingredients from Colombia's Caribbean coast, such as panela and passion fruit.",
			Consent: Consent{ShowWorkshopPhotos: true, RecordedOn: "2024-02-19", RecordedBy: "Coordinación de talleres",
				Note: "Fotos de la cocina y los hornos, sin personas. Crédito solo al taller."},
		},
		{
			Slug: "artesanias-casa-libres", Name: "Taller de Artesanías Casa Libres",
			Facility: "Casa Libres, casa de segundas oportunidades", FacilityKind: "post_release",
			City: "Bogotá", Department: "Bogotá D.C.", Craft: "Tejido y artesanías", CraftEN: "Weaving and crafts",
			StoryES: "Casa Libres recibe a personas que recuperaron la libertad y quieren empezar de nuevo. " +
				"En su taller se tejen mochilas y canastos, se modela cerámica y se hacen velas. " +
				"Las ventas pagan el trabajo de quienes hacen cada pieza.",
			StoryEN: "Casa Libres welcomes people who have regained their freedom and want a fresh start. " +
				"Its workshop weaves mochilas and baskets, shapes ceramics and pours candles. " +
				"Sales pay the people who make each piece.",
			Consent: Consent{ShowWorkshopPhotos: true, ShowFirstNames: true, ShowPeoplePhotos: true,
				RecordedOn: "2024-07-15", RecordedBy: "Coordinación de Casa Libres",
				Note: "Cada persona firmó autorización individual para fotos y primer nombre; puede retirarla cuando quiera."},
		},
		{
			Slug: "modisteria-buen-pastor", Name: "Taller de Modistería El Buen Pastor",
			Facility: "Reclusión de Mujeres El Buen Pastor", FacilityKind: "prison",
			City: "Bogotá", Department: "Bogotá D.C.", Craft: "Modistería", CraftEN: "Dressmaking",
			StoryES: "El taller de modistería trabaja con máquinas de coser donadas y mucha paciencia. " +
				"Aquí se cosen vestidos, blusas, delantales y cojines, y se bordan a mano los detalles. " +
				"Cada prenda termina con una etiqueta del taller.",
			StoryEN: "The dressmaking workshop works with donated sewing machines and a great deal of patience. " +
				"Dresses, blouses, aprons and cushions are sewn here, with details embroidered by hand. " +
				"Every piece is finished with the workshop's label.",
			Consent: Consent{RecordedOn: "2024-03-11", RecordedBy: "Coordinación de talleres",
				Note: "Solo crédito al taller, sin fotos. Se revisará en la próxima reunión del taller."},
		},
	}
}

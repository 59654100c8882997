// The demo menu loaded by `vetahut serve --demo`: a realistic pizza menu in the admin form of
// catalog_json.hpp (ParseCatalog reads it), in English and Spanish (fallback "en").
//
// Prices are USD cents: the catalog currency is USD. Stores in other currencies (EUR) get their
// prices from per-store overrides, not from this file.
//
// 9 pizzas in 3 sizes (small/medium/large) and 3 crusts (stuffed crust: medium and large only,
// with a per-size upcharge), 24 pizza toppings and 3 dips priced per size, sides, drinks,
// desserts; 3 deals (2 medium 1-topping pizzas + a side; family; weekday lunch 11:00–15:00 with
// a premium upcharge for specialty pizzas); coupons PIZZA20 (20 % off pizzas, subtotal 20.00 or
// more) and FREEDEL (free delivery from 15.00); one automatic Tuesday deal; loyalty rewards of
// 500 points for 5.00 off and 1500 points for 15.00 off orders from 20.00. Taxes by category:
// "food" and "beverage". Generated once by hand from a script and kept as data; edit freely.
#include <string_view>

#include "services/menu/catalog_json.hpp"

namespace vetahut::menu {

std::string_view DemoMenuJson() {
  static constexpr std::string_view kJson = R"json({
  "currency": "USD",
  "fallback_locale": "en",
  "required_locales": ["en", "es"],
  "extra_multiplier_bp": 15000,
  "categories": [
    {"id": "pizzas", "name": {"en": "Pizzas", "es": "Pizzas"}, "sort_order": 1},
    {"id": "deals", "name": {"en": "Deals", "es": "Ofertas"}, "sort_order": 2},
    {"id": "sides", "name": {"en": "Sides", "es": "Acompañantes"}, "sort_order": 3},
    {"id": "drinks", "name": {"en": "Drinks", "es": "Bebidas"}, "sort_order": 4},
    {"id": "desserts", "name": {"en": "Desserts", "es": "Postres"}, "sort_order": 5}
  ],
  "sizes": [
    {"id": "small", "name": {"en": "Small 10\"", "es": "Pequeña 25 cm"}, "sort_order": 1},
    {"id": "medium", "name": {"en": "Medium 12\"", "es": "Mediana 30 cm"}, "sort_order": 2},
    {"id": "large", "name": {"en": "Large 14\"", "es": "Grande 35 cm"}, "sort_order": 3},
    {"id": "regular", "name": {"en": "Regular", "es": "Normal"}, "sort_order": 4},
    {"id": "bottle_20oz", "name": {"en": "20 oz bottle", "es": "Botella de 600 ml"}, "sort_order": 5},
    {"id": "bottle_2l", "name": {"en": "2-liter bottle", "es": "Botella de 2 litros"}, "sort_order": 6}
  ],
  "crusts": [
    {
      "id": "hand_tossed",
      "name": {"en": "Hand-tossed", "es": "Tradicional"},
      "upcharges": [{"size_id": "small", "price": 0}, {"size_id": "medium", "price": 0}, {"size_id": "large", "price": 0}],
      "allergens": ["gluten"]
    },
    {
      "id": "thin",
      "name": {"en": "Thin & crispy", "es": "Delgada y crujiente"},
      "upcharges": [{"size_id": "small", "price": 0}, {"size_id": "medium", "price": 0}, {"size_id": "large", "price": 0}],
      "allergens": ["gluten"]
    },
    {
      "id": "stuffed",
      "name": {"en": "Cheese-stuffed crust", "es": "Orilla rellena de queso"},
      "upcharges": [{"size_id": "medium", "price": 200}, {"size_id": "large", "price": 300}],
      "allergens": ["gluten", "milk"]
    }
  ],
  "toppings": [
    {
      "id": "tomato_sauce",
      "name": {"en": "Tomato sauce", "es": "Salsa de tomate"},
      "prices": [{"size_id": "small", "price": 0}, {"size_id": "medium", "price": 0}, {"size_id": "large", "price": 0}],
      "allergens": [],
      "calories": 60
    },
    {
      "id": "bbq_sauce",
      "name": {"en": "BBQ sauce", "es": "Salsa barbacoa"},
      "prices": [{"size_id": "small", "price": 0}, {"size_id": "medium", "price": 0}, {"size_id": "large", "price": 0}],
      "allergens": [],
      "calories": 110
    },
    {
      "id": "garlic_white_sauce",
      "name": {"en": "Garlic white sauce", "es": "Salsa blanca de ajo"},
      "prices": [{"size_id": "small", "price": 0}, {"size_id": "medium", "price": 0}, {"size_id": "large", "price": 0}],
      "allergens": ["milk"],
      "calories": 150
    },
    {
      "id": "mozzarella",
      "name": {"en": "Mozzarella", "es": "Mozzarella"},
      "prices": [
        {"size_id": "small", "price": 125},
        {"size_id": "medium", "price": 175},
        {"size_id": "large", "price": 225}
      ],
      "extra_multiplier_bp": 20000,
      "allergens": ["milk"],
      "calories": 320
    },
    {
      "id": "parmesan",
      "name": {"en": "Parmesan", "es": "Parmesano"},
      "prices": [
        {"size_id": "small", "price": 125},
        {"size_id": "medium", "price": 175},
        {"size_id": "large", "price": 225}
      ],
      "allergens": ["milk"],
      "calories": 110
    },
    {
      "id": "gorgonzola",
      "name": {"en": "Gorgonzola", "es": "Gorgonzola"},
      "prices": [
        {"size_id": "small", "price": 175},
        {"size_id": "medium", "price": 225},
        {"size_id": "large", "price": 275}
      ],
      "allergens": ["milk"],
      "calories": 140
    },
    {
      "id": "provolone",
      "name": {"en": "Provolone", "es": "Provolone"},
      "prices": [
        {"size_id": "small", "price": 125},
        {"size_id": "medium", "price": 175},
        {"size_id": "large", "price": 225}
      ],
      "allergens": ["milk"],
      "calories": 150
    },
    {
      "id": "feta",
      "name": {"en": "Feta", "es": "Queso feta"},
      "prices": [
        {"size_id": "small", "price": 125},
        {"size_id": "medium", "price": 175},
        {"size_id": "large", "price": 225}
      ],
      "allergens": ["milk"],
      "calories": 120
    },
    {
      "id": "pepperoni",
      "name": {"en": "Pepperoni", "es": "Pepperoni"},
      "prices": [
        {"size_id": "small", "price": 150},
        {"size_id": "medium", "price": 200},
        {"size_id": "large", "price": 250}
      ],
      "allergens": [],
      "calories": 280
    },
    {
      "id": "italian_sausage",
      "name": {"en": "Italian sausage", "es": "Salchicha italiana"},
      "prices": [
        {"size_id": "small", "price": 150},
        {"size_id": "medium", "price": 200},
        {"size_id": "large", "price": 250}
      ],
      "allergens": [],
      "calories": 260
    },
    {
      "id": "ham",
      "name": {"en": "Ham", "es": "Jamón"},
      "prices": [
        {"size_id": "small", "price": 150},
        {"size_id": "medium", "price": 200},
        {"size_id": "large", "price": 250}
      ],
      "allergens": [],
      "calories": 140
    },
    {
      "id": "bacon",
      "name": {"en": "Bacon", "es": "Tocino"},
      "prices": [
        {"size_id": "small", "price": 175},
        {"size_id": "medium", "price": 225},
        {"size_id": "large", "price": 275}
      ],
      "allergens": [],
      "calories": 300
    },
    {
      "id": "ground_beef",
      "name": {"en": "Ground beef", "es": "Carne molida"},
      "prices": [
        {"size_id": "small", "price": 150},
        {"size_id": "medium", "price": 200},
        {"size_id": "large", "price": 250}
      ],
      "allergens": [],
      "calories": 240
    },
    {
      "id": "grilled_chicken",
      "name": {"en": "Grilled chicken", "es": "Pollo a la parrilla"},
      "prices": [
        {"size_id": "small", "price": 175},
        {"size_id": "medium", "price": 225},
        {"size_id": "large", "price": 275}
      ],
      "allergens": [],
      "calories": 180
    },
    {
      "id": "spicy_salami",
      "name": {"en": "Spicy salami", "es": "Salami picante"},
      "prices": [
        {"size_id": "small", "price": 175},
        {"size_id": "medium", "price": 225},
        {"size_id": "large", "price": 275}
      ],
      "allergens": [],
      "calories": 290
    },
    {
      "id": "mushrooms",
      "name": {"en": "Mushrooms", "es": "Champiñones"},
      "prices": [
        {"size_id": "small", "price": 100},
        {"size_id": "medium", "price": 150},
        {"size_id": "large", "price": 200}
      ],
      "allergens": [],
      "calories": 20
    },
    {
      "id": "green_peppers",
      "name": {"en": "Green peppers", "es": "Pimiento verde"},
      "prices": [
        {"size_id": "small", "price": 100},
        {"size_id": "medium", "price": 150},
        {"size_id": "large", "price": 200}
      ],
      "allergens": [],
      "calories": 15
    },
    {
      "id": "red_onions",
      "name": {"en": "Red onions", "es": "Cebolla morada"},
      "prices": [
        {"size_id": "small", "price": 100},
        {"size_id": "medium", "price": 150},
        {"size_id": "large", "price": 200}
      ],
      "allergens": [],
      "calories": 25
    },
    {
      "id": "black_olives",
      "name": {"en": "Black olives", "es": "Aceitunas negras"},
      "prices": [
        {"size_id": "small", "price": 100},
        {"size_id": "medium", "price": 150},
        {"size_id": "large", "price": 200}
      ],
      "allergens": [],
      "calories": 60
    },
    {
      "id": "pineapple",
      "name": {"en": "Pineapple", "es": "Piña"},
      "prices": [
        {"size_id": "small", "price": 100},
        {"size_id": "medium", "price": 150},
        {"size_id": "large", "price": 200}
      ],
      "allergens": [],
      "calories": 50
    },
    {
      "id": "jalapenos",
      "name": {"en": "Jalapeños", "es": "Jalapeños"},
      "prices": [
        {"size_id": "small", "price": 100},
        {"size_id": "medium", "price": 150},
        {"size_id": "large", "price": 200}
      ],
      "allergens": [],
      "calories": 10
    },
    {
      "id": "tomatoes",
      "name": {"en": "Diced tomatoes", "es": "Tomate en cubos"},
      "prices": [
        {"size_id": "small", "price": 100},
        {"size_id": "medium", "price": 150},
        {"size_id": "large", "price": 200}
      ],
      "allergens": [],
      "calories": 20
    },
    {
      "id": "spinach",
      "name": {"en": "Spinach", "es": "Espinaca"},
      "prices": [
        {"size_id": "small", "price": 100},
        {"size_id": "medium", "price": 150},
        {"size_id": "large", "price": 200}
      ],
      "allergens": [],
      "calories": 10
    },
    {
      "id": "fresh_basil",
      "name": {"en": "Fresh basil", "es": "Albahaca fresca"},
      "prices": [{"size_id": "small", "price": 50}, {"size_id": "medium", "price": 75}, {"size_id": "large", "price": 100}],
      "allergens": [],
      "calories": 5
    },
    {
      "id": "ranch_dip",
      "name": {"en": "Ranch dip", "es": "Aderezo ranch"},
      "prices": [{"size_id": "regular", "price": 99}],
      "allergens": ["milk", "egg"],
      "calories": 190
    },
    {
      "id": "blue_cheese_dip",
      "name": {"en": "Blue cheese dip", "es": "Aderezo de queso azul"},
      "prices": [{"size_id": "regular", "price": 99}],
      "allergens": ["milk", "egg"],
      "calories": 200
    },
    {
      "id": "marinara_dip",
      "name": {"en": "Marinara dip", "es": "Salsa marinara"},
      "prices": [{"size_id": "regular", "price": 79}],
      "allergens": [],
      "calories": 40
    }
  ],
  "modifier_groups": [
    {
      "id": "sauce",
      "name": {"en": "Sauce", "es": "Salsa"},
      "min_selections": 0,
      "max_selections": 1,
      "options": [
        {"topping_id": "tomato_sauce", "is_default": false},
        {"topping_id": "bbq_sauce", "is_default": false},
        {"topping_id": "garlic_white_sauce", "is_default": false}
      ]
    },
    {
      "id": "cheese",
      "name": {"en": "Cheese", "es": "Queso"},
      "min_selections": 0,
      "max_selections": 4,
      "options": [
        {"topping_id": "mozzarella", "is_default": true},
        {"topping_id": "parmesan", "is_default": false},
        {"topping_id": "gorgonzola", "is_default": false},
        {"topping_id": "provolone", "is_default": false},
        {"topping_id": "feta", "is_default": false}
      ]
    },
    {
      "id": "toppings",
      "name": {"en": "Toppings", "es": "Ingredientes"},
      "min_selections": 0,
      "max_selections": 10,
      "options": [
        {"topping_id": "pepperoni", "is_default": false},
        {"topping_id": "italian_sausage", "is_default": false},
        {"topping_id": "ham", "is_default": false},
        {"topping_id": "bacon", "is_default": false},
        {"topping_id": "ground_beef", "is_default": false},
        {"topping_id": "grilled_chicken", "is_default": false},
        {"topping_id": "spicy_salami", "is_default": false},
        {"topping_id": "mushrooms", "is_default": false},
        {"topping_id": "green_peppers", "is_default": false},
        {"topping_id": "red_onions", "is_default": false},
        {"topping_id": "black_olives", "is_default": false},
        {"topping_id": "pineapple", "is_default": false},
        {"topping_id": "jalapenos", "is_default": false},
        {"topping_id": "tomatoes", "is_default": false},
        {"topping_id": "spinach", "is_default": false},
        {"topping_id": "fresh_basil", "is_default": false}
      ]
    },
    {
      "id": "dips",
      "name": {"en": "Dips", "es": "Aderezos"},
      "min_selections": 0,
      "max_selections": 3,
      "options": [
        {"topping_id": "ranch_dip", "is_default": false},
        {"topping_id": "blue_cheese_dip", "is_default": false},
        {"topping_id": "marinara_dip", "is_default": false}
      ]
    }
  ],
  "products": [
    {
      "id": "cheese_pizza",
      "category_id": "pizzas",
      "kind": "pizza",
      "name": {"en": "Cheese (build your own)", "es": "Queso (arma la tuya)"},
      "description": {
        "en": "Tomato sauce and mozzarella: add the toppings you like.",
        "es": "Salsa de tomate y mozzarella: agrega los ingredientes que quieras."
      },
      "image_url": "/images/pizzas/cheese_pizza.jpg",
      "tax_category": "food",
      "sizes": [
        {"size_id": "small", "price": 999, "calories": 1200, "allergens": ["gluten", "milk"]},
        {"size_id": "medium", "price": 1299, "calories": 1800, "allergens": ["gluten", "milk"]},
        {"size_id": "large", "price": 1499, "calories": 2400, "allergens": ["gluten", "milk"]}
      ],
      "crust_ids": ["hand_tossed", "thin", "stuffed"],
      "default_crust_id": "hand_tossed",
      "modifier_group_ids": ["sauce", "cheese", "toppings"],
      "default_topping_ids": ["tomato_sauce"],
      "availability": {"windows": []}
    },
    {
      "id": "margherita",
      "category_id": "pizzas",
      "kind": "pizza",
      "name": {"en": "Margherita", "es": "Margarita"},
      "description": {
        "en": "Tomato sauce, mozzarella, diced tomatoes and fresh basil.",
        "es": "Salsa de tomate, mozzarella, tomate en cubos y albahaca fresca."
      },
      "image_url": "/images/pizzas/margherita.jpg",
      "tax_category": "food",
      "sizes": [
        {"size_id": "small", "price": 1099, "calories": 1150, "allergens": ["gluten", "milk"]},
        {"size_id": "medium", "price": 1399, "calories": 1750, "allergens": ["gluten", "milk"]},
        {"size_id": "large", "price": 1699, "calories": 2350, "allergens": ["gluten", "milk"]}
      ],
      "crust_ids": ["hand_tossed", "thin", "stuffed"],
      "default_crust_id": "hand_tossed",
      "modifier_group_ids": ["sauce", "cheese", "toppings"],
      "default_topping_ids": ["tomato_sauce", "tomatoes", "fresh_basil"],
      "availability": {"windows": []}
    },
    {
      "id": "pepperoni_pizza",
      "category_id": "pizzas",
      "kind": "pizza",
      "name": {"en": "Pepperoni", "es": "Pepperoni"},
      "description": {"en": "Loaded with pepperoni over mozzarella.", "es": "Cargada de pepperoni sobre mozzarella."},
      "image_url": "/images/pizzas/pepperoni_pizza.jpg",
      "tax_category": "food",
      "sizes": [
        {"size_id": "small", "price": 1149, "calories": 1450, "allergens": ["gluten", "milk"]},
        {"size_id": "medium", "price": 1449, "calories": 2100, "allergens": ["gluten", "milk"]},
        {"size_id": "large", "price": 1749, "calories": 2800, "allergens": ["gluten", "milk"]}
      ],
      "crust_ids": ["hand_tossed", "thin", "stuffed"],
      "default_crust_id": "hand_tossed",
      "modifier_group_ids": ["sauce", "cheese", "toppings"],
      "default_topping_ids": ["tomato_sauce", "pepperoni"],
      "availability": {"windows": []}
    },
    {
      "id": "hawaiian",
      "category_id": "pizzas",
      "kind": "pizza",
      "name": {"en": "Hawaiian", "es": "Hawaiana"},
      "description": {"en": "Ham and pineapple.", "es": "Jamón y piña."},
      "image_url": "/images/pizzas/hawaiian.jpg",
      "tax_category": "food",
      "sizes": [
        {"size_id": "small", "price": 1249, "calories": 1350, "allergens": ["gluten", "milk"]},
        {"size_id": "medium", "price": 1599, "calories": 1950, "allergens": ["gluten", "milk"]},
        {"size_id": "large", "price": 1899, "calories": 2600, "allergens": ["gluten", "milk"]}
      ],
      "crust_ids": ["hand_tossed", "thin", "stuffed"],
      "default_crust_id": "hand_tossed",
      "modifier_group_ids": ["sauce", "cheese", "toppings"],
      "default_topping_ids": ["tomato_sauce", "ham", "pineapple"],
      "availability": {"windows": []}
    },
    {
      "id": "veggie_supreme",
      "category_id": "pizzas",
      "kind": "pizza",
      "name": {"en": "Veggie Supreme", "es": "Vegetariana Suprema"},
      "description": {
        "en": "Mushrooms, green peppers, red onions, black olives, tomatoes and spinach.",
        "es": "Champiñones, pimiento verde, cebolla morada, aceitunas negras, tomate y espinaca."
      },
      "image_url": "/images/pizzas/veggie_supreme.jpg",
      "tax_category": "food",
      "sizes": [
        {"size_id": "small", "price": 1299, "calories": 1300, "allergens": ["gluten", "milk"]},
        {"size_id": "medium", "price": 1649, "calories": 1900, "allergens": ["gluten", "milk"]},
        {"size_id": "large", "price": 1949, "calories": 2500, "allergens": ["gluten", "milk"]}
      ],
      "crust_ids": ["hand_tossed", "thin", "stuffed"],
      "default_crust_id": "hand_tossed",
      "modifier_group_ids": ["sauce", "cheese", "toppings"],
      "default_topping_ids": ["tomato_sauce", "mushrooms", "green_peppers", "red_onions", "black_olives", "tomatoes", "spinach"],
      "availability": {"windows": []}
    },
    {
      "id": "meat_lovers",
      "category_id": "pizzas",
      "kind": "pizza",
      "name": {"en": "Meat Lovers", "es": "Amantes de la Carne"},
      "description": {
        "en": "Pepperoni, Italian sausage, ham, bacon and ground beef.",
        "es": "Pepperoni, salchicha italiana, jamón, tocino y carne molida."
      },
      "image_url": "/images/pizzas/meat_lovers.jpg",
      "tax_category": "food",
      "sizes": [
        {"size_id": "small", "price": 1399, "calories": 1800, "allergens": ["gluten", "milk"]},
        {"size_id": "medium", "price": 1749, "calories": 2600, "allergens": ["gluten", "milk"]},
        {"size_id": "large", "price": 2099, "calories": 3500, "allergens": ["gluten", "milk"]}
      ],
      "crust_ids": ["hand_tossed", "thin", "stuffed"],
      "default_crust_id": "hand_tossed",
      "modifier_group_ids": ["sauce", "cheese", "toppings"],
      "default_topping_ids": ["tomato_sauce", "pepperoni", "italian_sausage", "ham", "bacon", "ground_beef"],
      "availability": {"windows": []}
    },
    {
      "id": "bbq_chicken",
      "category_id": "pizzas",
      "kind": "pizza",
      "name": {"en": "BBQ Chicken", "es": "Pollo BBQ"},
      "description": {
        "en": "BBQ sauce, grilled chicken and red onions.",
        "es": "Salsa barbacoa, pollo a la parrilla y cebolla morada."
      },
      "image_url": "/images/pizzas/bbq_chicken.jpg",
      "tax_category": "food",
      "sizes": [
        {"size_id": "small", "price": 1349, "calories": 1400, "allergens": ["gluten", "milk"]},
        {"size_id": "medium", "price": 1699, "calories": 2050, "allergens": ["gluten", "milk"]},
        {"size_id": "large", "price": 1999, "calories": 2700, "allergens": ["gluten", "milk"]}
      ],
      "crust_ids": ["hand_tossed", "thin", "stuffed"],
      "default_crust_id": "hand_tossed",
      "modifier_group_ids": ["sauce", "cheese", "toppings"],
      "default_topping_ids": ["bbq_sauce", "grilled_chicken", "red_onions"],
      "availability": {"windows": []}
    },
    {
      "id": "four_cheese",
      "category_id": "pizzas",
      "kind": "pizza",
      "name": {"en": "Four Cheese", "es": "Cuatro Quesos"},
      "description": {
        "en": "Garlic white sauce, mozzarella, parmesan, gorgonzola and provolone.",
        "es": "Salsa blanca de ajo, mozzarella, parmesano, gorgonzola y provolone."
      },
      "image_url": "/images/pizzas/four_cheese.jpg",
      "tax_category": "food",
      "sizes": [
        {"size_id": "small", "price": 1299, "calories": 1500, "allergens": ["gluten", "milk"]},
        {"size_id": "medium", "price": 1649, "calories": 2200, "allergens": ["gluten", "milk"]},
        {"size_id": "large", "price": 1949, "calories": 2900, "allergens": ["gluten", "milk"]}
      ],
      "crust_ids": ["hand_tossed", "thin", "stuffed"],
      "default_crust_id": "hand_tossed",
      "modifier_group_ids": ["sauce", "cheese", "toppings"],
      "default_topping_ids": ["garlic_white_sauce", "parmesan", "gorgonzola", "provolone"],
      "availability": {"windows": []}
    },
    {
      "id": "spicy_diavola",
      "category_id": "pizzas",
      "kind": "pizza",
      "name": {"en": "Spicy Diavola", "es": "Diavola Picante"},
      "description": {"en": "Spicy salami, jalapeños and red onions.", "es": "Salami picante, jalapeños y cebolla morada."},
      "image_url": "/images/pizzas/spicy_diavola.jpg",
      "tax_category": "food",
      "sizes": [
        {"size_id": "small", "price": 1349, "calories": 1450, "allergens": ["gluten", "milk"]},
        {"size_id": "medium", "price": 1699, "calories": 2100, "allergens": ["gluten", "milk"]},
        {"size_id": "large", "price": 1999, "calories": 2800, "allergens": ["gluten", "milk"]}
      ],
      "crust_ids": ["hand_tossed", "thin", "stuffed"],
      "default_crust_id": "hand_tossed",
      "modifier_group_ids": ["sauce", "cheese", "toppings"],
      "default_topping_ids": ["tomato_sauce", "spicy_salami", "jalapenos", "red_onions"],
      "availability": {"windows": []}
    },
    {
      "id": "garlic_bread",
      "category_id": "sides",
      "kind": "side",
      "name": {"en": "Garlic bread", "es": "Pan de ajo"},
      "description": {
        "en": "Oven-baked bread with garlic butter and parsley.",
        "es": "Pan horneado con mantequilla de ajo y perejil."
      },
      "image_url": "/images/sides/garlic_bread.jpg",
      "tax_category": "food",
      "sizes": [{"size_id": "regular", "price": 599, "calories": 720, "allergens": ["gluten", "milk"]}],
      "crust_ids": [],
      "default_crust_id": "",
      "modifier_group_ids": ["dips"],
      "default_topping_ids": [],
      "availability": {"windows": []}
    },
    {
      "id": "chicken_wings",
      "category_id": "sides",
      "kind": "side",
      "name": {"en": "Chicken wings (8 pieces)", "es": "Alitas de pollo (8 piezas)"},
      "description": {"en": "Oven-roasted wings, buffalo or BBQ.", "es": "Alitas horneadas, búfalo o barbacoa."},
      "image_url": "/images/sides/chicken_wings.jpg",
      "tax_category": "food",
      "sizes": [{"size_id": "regular", "price": 999, "calories": 680, "allergens": ["celery"]}],
      "crust_ids": [],
      "default_crust_id": "",
      "modifier_group_ids": ["dips"],
      "default_topping_ids": [],
      "availability": {"windows": []}
    },
    {
      "id": "garden_salad",
      "category_id": "sides",
      "kind": "side",
      "name": {"en": "Garden salad", "es": "Ensalada de la huerta"},
      "description": {
        "en": "Romaine, tomatoes, cucumbers and red onions.",
        "es": "Lechuga romana, tomate, pepino y cebolla morada."
      },
      "image_url": "/images/sides/garden_salad.jpg",
      "tax_category": "food",
      "sizes": [{"size_id": "regular", "price": 699, "calories": 150, "allergens": []}],
      "crust_ids": [],
      "default_crust_id": "",
      "modifier_group_ids": ["dips"],
      "default_topping_ids": [],
      "availability": {"windows": []}
    },
    {
      "id": "cola",
      "category_id": "drinks",
      "kind": "drink",
      "name": {"en": "Cola", "es": "Refresco de cola"},
      "description": {"en": "Ice-cold cola.", "es": "Refresco de cola bien frío."},
      "image_url": "/images/drinks/cola.jpg",
      "tax_category": "beverage",
      "sizes": [
        {"size_id": "bottle_20oz", "price": 249, "calories": 240, "allergens": []},
        {"size_id": "bottle_2l", "price": 399, "calories": 800, "allergens": []}
      ],
      "crust_ids": [],
      "default_crust_id": "",
      "modifier_group_ids": [],
      "default_topping_ids": [],
      "availability": {"windows": []}
    },
    {
      "id": "lemonade",
      "category_id": "drinks",
      "kind": "drink",
      "name": {"en": "Lemonade", "es": "Limonada"},
      "description": {"en": "Classic lemonade.", "es": "Limonada clásica."},
      "image_url": "/images/drinks/lemonade.jpg",
      "tax_category": "beverage",
      "sizes": [
        {"size_id": "bottle_20oz", "price": 279, "calories": 250, "allergens": []},
        {"size_id": "bottle_2l", "price": 429, "calories": 850, "allergens": []}
      ],
      "crust_ids": [],
      "default_crust_id": "",
      "modifier_group_ids": [],
      "default_topping_ids": [],
      "availability": {"windows": []}
    },
    {
      "id": "water",
      "category_id": "drinks",
      "kind": "drink",
      "name": {"en": "Bottled water", "es": "Agua embotellada"},
      "description": {"en": "Still spring water, 500 ml.", "es": "Agua de manantial sin gas, 500 ml."},
      "image_url": "/images/drinks/water.jpg",
      "tax_category": "beverage",
      "sizes": [{"size_id": "regular", "price": 199, "calories": 0, "allergens": []}],
      "crust_ids": [],
      "default_crust_id": "",
      "modifier_group_ids": [],
      "default_topping_ids": [],
      "availability": {"windows": []}
    },
    {
      "id": "chocolate_chip_cookie",
      "category_id": "desserts",
      "kind": "dessert",
      "name": {"en": "Chocolate chip cookie", "es": "Galleta con chispas de chocolate"},
      "description": {"en": "A big, warm cookie.", "es": "Una galleta grande y tibia."},
      "image_url": "/images/desserts/chocolate_chip_cookie.jpg",
      "tax_category": "food",
      "sizes": [{"size_id": "regular", "price": 399, "calories": 480, "allergens": ["gluten", "milk", "egg", "soy"]}],
      "crust_ids": [],
      "default_crust_id": "",
      "modifier_group_ids": [],
      "default_topping_ids": [],
      "availability": {"windows": []}
    },
    {
      "id": "brownie",
      "category_id": "desserts",
      "kind": "dessert",
      "name": {"en": "Fudge brownie", "es": "Brownie de chocolate"},
      "description": {"en": "Rich chocolate brownie.", "es": "Brownie de chocolate intenso."},
      "image_url": "/images/desserts/brownie.jpg",
      "tax_category": "food",
      "sizes": [{"size_id": "regular", "price": 449, "calories": 520, "allergens": ["gluten", "milk", "egg", "soy"]}],
      "crust_ids": [],
      "default_crust_id": "",
      "modifier_group_ids": [],
      "default_topping_ids": [],
      "availability": {"windows": []}
    }
  ],
  "deals": [
    {
      "id": "two_medium_side",
      "category_id": "deals",
      "name": {"en": "2 medium 1-topping pizzas + a side", "es": "2 pizzas medianas de 1 ingrediente + un acompañante"},
      "description": {
        "en": "Two medium pizzas with one topping each and any side. Specialty pizzas +3.00 each.",
        "es": "Dos pizzas medianas con un ingrediente cada una y un acompañante. Pizzas especiales +3.00 cada una."
      },
      "image_url": "/images/deals/two_medium_side.jpg",
      "tax_category": "food",
      "price": 2499,
      "slots": [
        {
          "name": {"en": "Medium pizzas", "es": "Pizzas medianas"},
          "product_ids": [
            "cheese_pizza",
            "margherita",
            "pepperoni_pizza",
            "hawaiian",
            "veggie_supreme",
            "meat_lovers",
            "bbq_chicken",
            "four_cheese",
            "spicy_diavola"
          ],
          "category_id": "",
          "size_ids": ["medium"],
          "quantity": 2,
          "included_toppings": 1,
          "upcharges": [
            {"product_id": "margherita", "size_id": "", "amount": 300},
            {"product_id": "pepperoni_pizza", "size_id": "", "amount": 300},
            {"product_id": "hawaiian", "size_id": "", "amount": 300},
            {"product_id": "veggie_supreme", "size_id": "", "amount": 300},
            {"product_id": "meat_lovers", "size_id": "", "amount": 300},
            {"product_id": "bbq_chicken", "size_id": "", "amount": 300},
            {"product_id": "four_cheese", "size_id": "", "amount": 300},
            {"product_id": "spicy_diavola", "size_id": "", "amount": 300}
          ]
        },
        {
          "name": {"en": "Side", "es": "Acompañante"},
          "product_ids": [],
          "category_id": "sides",
          "size_ids": [],
          "quantity": 1,
          "included_toppings": 0,
          "upcharges": []
        }
      ],
      "availability": {"windows": []}
    },
    {
      "id": "family_feast",
      "category_id": "deals",
      "name": {
        "en": "Family: large pizza + 2 sides + 2 drinks",
        "es": "Familiar: pizza grande + 2 acompañantes + 2 bebidas"
      },
      "description": {
        "en": "A large pizza with up to two toppings, two sides and two 20 oz drinks. Specialty pizzas +3.00.",
        "es": "Una pizza grande con hasta dos ingredientes, dos acompañantes y dos bebidas de 600 ml. Pizzas especiales +3.00."
      },
      "image_url": "/images/deals/family_feast.jpg",
      "tax_category": "food",
      "price": 3299,
      "slots": [
        {
          "name": {"en": "Large pizza", "es": "Pizza grande"},
          "product_ids": [
            "cheese_pizza",
            "margherita",
            "pepperoni_pizza",
            "hawaiian",
            "veggie_supreme",
            "meat_lovers",
            "bbq_chicken",
            "four_cheese",
            "spicy_diavola"
          ],
          "category_id": "",
          "size_ids": ["large"],
          "quantity": 1,
          "included_toppings": 2,
          "upcharges": [
            {"product_id": "margherita", "size_id": "", "amount": 300},
            {"product_id": "pepperoni_pizza", "size_id": "", "amount": 300},
            {"product_id": "hawaiian", "size_id": "", "amount": 300},
            {"product_id": "veggie_supreme", "size_id": "", "amount": 300},
            {"product_id": "meat_lovers", "size_id": "", "amount": 300},
            {"product_id": "bbq_chicken", "size_id": "", "amount": 300},
            {"product_id": "four_cheese", "size_id": "", "amount": 300},
            {"product_id": "spicy_diavola", "size_id": "", "amount": 300}
          ]
        },
        {
          "name": {"en": "Sides", "es": "Acompañantes"},
          "product_ids": [],
          "category_id": "sides",
          "size_ids": [],
          "quantity": 2,
          "included_toppings": 0,
          "upcharges": []
        },
        {
          "name": {"en": "Drinks", "es": "Bebidas"},
          "product_ids": ["cola", "lemonade", "water"],
          "category_id": "",
          "size_ids": ["bottle_20oz", "regular"],
          "quantity": 2,
          "included_toppings": 0,
          "upcharges": []
        }
      ],
      "availability": {"windows": []}
    },
    {
      "id": "lunch_combo",
      "category_id": "deals",
      "name": {"en": "Lunch: small pizza + drink", "es": "Almuerzo: pizza pequeña + bebida"},
      "description": {
        "en": "Weekdays 11:00–15:00. A small one-topping pizza and a drink. Specialty pizzas +2.00.",
        "es": "Lunes a viernes de 11:00 a 15:00. Una pizza pequeña de un ingrediente y una bebida. Pizzas especiales +2.00."
      },
      "image_url": "/images/deals/lunch_combo.jpg",
      "tax_category": "food",
      "price": 899,
      "slots": [
        {
          "name": {"en": "Small pizza", "es": "Pizza pequeña"},
          "product_ids": [
            "cheese_pizza",
            "margherita",
            "pepperoni_pizza",
            "hawaiian",
            "veggie_supreme",
            "meat_lovers",
            "bbq_chicken",
            "four_cheese",
            "spicy_diavola"
          ],
          "category_id": "",
          "size_ids": ["small"],
          "quantity": 1,
          "included_toppings": 1,
          "upcharges": [
            {"product_id": "margherita", "size_id": "", "amount": 200},
            {"product_id": "pepperoni_pizza", "size_id": "", "amount": 200},
            {"product_id": "hawaiian", "size_id": "", "amount": 200},
            {"product_id": "veggie_supreme", "size_id": "", "amount": 200},
            {"product_id": "meat_lovers", "size_id": "", "amount": 200},
            {"product_id": "bbq_chicken", "size_id": "", "amount": 200},
            {"product_id": "four_cheese", "size_id": "", "amount": 200},
            {"product_id": "spicy_diavola", "size_id": "", "amount": 200}
          ]
        },
        {
          "name": {"en": "Drink", "es": "Bebida"},
          "product_ids": ["cola", "lemonade", "water"],
          "category_id": "",
          "size_ids": ["bottle_20oz", "regular"],
          "quantity": 1,
          "included_toppings": 0,
          "upcharges": []
        }
      ],
      "availability": {
        "windows": [
          {"weekday": 1, "start_minute": 660, "end_minute": 900},
          {"weekday": 2, "start_minute": 660, "end_minute": 900},
          {"weekday": 3, "start_minute": 660, "end_minute": 900},
          {"weekday": 4, "start_minute": 660, "end_minute": 900},
          {"weekday": 5, "start_minute": 660, "end_minute": 900}
        ]
      }
    }
  ],
  "promotions": [
    {
      "id": "pizza20",
      "code": "PIZZA20",
      "name": {"en": "20% off pizzas over 20.00", "es": "20% de descuento en pizzas desde 20.00"},
      "kind": "percent_off",
      "percent_off": 20000,
      "amount_off": 0,
      "bundle_quantity": 0,
      "bundle_price": 0,
      "buy_quantity": 0,
      "get_quantity": 0,
      "get_percent_off": 100000,
      "product_ids": [],
      "category_ids": ["pizzas"],
      "size_ids": [],
      "applies_to_deals": false,
      "minimum_subtotal": 2000,
      "local_hours": {"windows": []},
      "channels": [],
      "max_uses_per_customer": 5,
      "stackable": true
    },
    {
      "id": "freedel",
      "code": "FREEDEL",
      "name": {"en": "Free delivery over 15.00", "es": "Envío gratis desde 15.00"},
      "kind": "free_delivery",
      "percent_off": 0,
      "amount_off": 0,
      "bundle_quantity": 0,
      "bundle_price": 0,
      "buy_quantity": 0,
      "get_quantity": 0,
      "get_percent_off": 100000,
      "product_ids": [],
      "category_ids": [],
      "size_ids": [],
      "applies_to_deals": false,
      "minimum_subtotal": 1500,
      "local_hours": {"windows": []},
      "channels": [],
      "stackable": true
    },
    {
      "id": "two_large_tuesday",
      "code": "",
      "name": {"en": "Tuesday: 2 large pizzas for 25.99", "es": "Martes: 2 pizzas grandes por 25.99"},
      "kind": "fixed_bundle_price",
      "percent_off": 0,
      "amount_off": 0,
      "bundle_quantity": 2,
      "bundle_price": 2599,
      "buy_quantity": 0,
      "get_quantity": 0,
      "get_percent_off": 100000,
      "product_ids": [],
      "category_ids": ["pizzas"],
      "size_ids": ["large"],
      "applies_to_deals": false,
      "minimum_subtotal": 0,
      "local_hours": {"windows": [{"weekday": 2, "start_minute": 0, "end_minute": 1440}]},
      "channels": [],
      "stackable": false
    }
  ],
  "rewards": [
    {
      "id": "reward_5_off",
      "name": {"en": "5.00 off your order", "es": "5.00 de descuento en tu pedido"},
      "points": 500,
      "amount_off": 500,
      "minimum_subtotal": 0
    },
    {
      "id": "reward_15_off",
      "name": {"en": "15.00 off orders from 20.00", "es": "15.00 de descuento en pedidos desde 20.00"},
      "points": 1500,
      "amount_off": 1500,
      "minimum_subtotal": 2000
    }
  ]
})json";
  return kJson;
}

}  // namespace vetahut::menu

"""Demo place data for Nordrhein-Westfalen.

All 53 NRW regions (22 kreisfreie Städte, 30 Kreise and the StädteRegion Aachen), keyed
by their 5-digit Kreisschlüssel (AGS prefix).

* ``TOWNS``: real municipalities of each region as ``(name, postcode, lat, lon)``. For a
  Kreis the largest municipalities come first; for a kreisfreie Stadt the city is listed
  once per district postcode. Coordinates are postcode-area centroids.
* ``YOUTH_WELFARE_OFFICES``: the Jugendämter of each region, named after the town or Kreis
  running them (186 in total, as in NRW: 95 in the Rheinland, 91 in Westfalen-Lippe).
  Which kreisangehörige Städte run their own Jugendamt is a best-effort approximation.
* ``SEATS``: the administrative seat (Kreisstadt, or the city itself).
"""

TOWNS: dict[str, list[tuple[str, str, float, float]]] = {
    # Düsseldorf
    "05111": [
        ("Düsseldorf", "40210", 51.2214, 6.7899),
        ("Düsseldorf", "40213", 51.2244, 6.7725),
        ("Düsseldorf", "40477", 51.2395, 6.7857),
        ("Düsseldorf", "40545", 51.2287, 6.7558),
        ("Düsseldorf", "40597", 51.1652, 6.8772),
        ("Düsseldorf", "40625", 51.2314, 6.8557),
    ],
    # Duisburg
    "05112": [
        ("Duisburg", "47051", 51.4321, 6.768),
        ("Duisburg", "47057", 51.4197, 6.7988),
        ("Duisburg", "47119", 51.4583, 6.7352),
        ("Duisburg", "47166", 51.4923, 6.7545),
        ("Duisburg", "47198", 51.4518, 6.6985),
        ("Duisburg", "47228", 51.4201, 6.695),
        ("Duisburg", "47249", 51.3825, 6.7592),
    ],
    # Essen
    "05113": [
        ("Essen", "45127", 51.4574, 7.0106),
        ("Essen", "45130", 51.4377, 7.0098),
        ("Essen", "45219", 51.3661, 6.9442),
        ("Essen", "45239", 51.3815, 7.0147),
        ("Essen", "45276", 51.4481, 7.0754),
        ("Essen", "45329", 51.5118, 7.0093),
        ("Essen", "45355", 51.4724, 6.9514),
    ],
    # Krefeld
    "05114": [
        ("Krefeld", "47798", 51.3317, 6.5582),
        ("Krefeld", "47800", 51.3501, 6.6019),
        ("Krefeld", "47807", 51.3011, 6.5837),
        ("Krefeld", "47829", 51.3699, 6.6413),
        ("Krefeld", "47839", 51.3746, 6.5082),
    ],
    # Mönchengladbach
    "05116": [
        ("Mönchengladbach", "41061", 51.1907, 6.4475),
        ("Mönchengladbach", "41063", 51.2113, 6.4272),
        ("Mönchengladbach", "41179", 51.1577, 6.3525),
        ("Mönchengladbach", "41199", 51.1303, 6.4483),
        ("Mönchengladbach", "41236", 51.1649, 6.4462),
    ],
    # Mülheim an der Ruhr
    "05117": [
        ("Mülheim an der Ruhr", "45468", 51.4279, 6.8861),
        ("Mülheim an der Ruhr", "45473", 51.4435, 6.8896),
        ("Mülheim an der Ruhr", "45476", 51.4491, 6.8538),
        ("Mülheim an der Ruhr", "45478", 51.4318, 6.8338),
        ("Mülheim an der Ruhr", "45481", 51.3839, 6.8623),
    ],
    # Oberhausen
    "05119": [
        ("Oberhausen", "46045", 51.467, 6.8593),
        ("Oberhausen", "46047", 51.4811, 6.8798),
        ("Oberhausen", "46117", 51.5003, 6.893),
        ("Oberhausen", "46145", 51.5308, 6.8584),
        ("Oberhausen", "46147", 51.5465, 6.8186),
    ],
    # Remscheid
    "05120": [
        ("Remscheid", "42853", 51.1835, 7.1808),
        ("Remscheid", "42855", 51.1953, 7.1964),
        ("Remscheid", "42857", 51.1702, 7.1579),
        ("Remscheid", "42897", 51.1783, 7.2714),
        ("Remscheid", "42899", 51.209, 7.2345),
    ],
    # Solingen
    "05122": [
        ("Solingen", "42651", 51.1763, 7.1022),
        ("Solingen", "42653", 51.2017, 7.0818),
        ("Solingen", "42659", 51.1429, 7.1262),
        ("Solingen", "42697", 51.1598, 6.9883),
        ("Solingen", "42699", 51.1467, 7.018),
        ("Solingen", "42719", 51.1875, 7.0414),
    ],
    # Wuppertal
    "05124": [
        ("Wuppertal", "42103", 51.2551, 7.1457),
        ("Wuppertal", "42117", 51.2419, 7.126),
        ("Wuppertal", "42275", 51.2738, 7.2052),
        ("Wuppertal", "42327", 51.2446, 7.0636),
        ("Wuppertal", "42349", 51.2074, 7.135),
        ("Wuppertal", "42389", 51.2716, 7.253),
    ],
    # Kreis Kleve
    "05154": [
        ("Kleve", "47533", 51.803, 6.1249),
        ("Geldern", "47608", 51.5185, 6.3105),
        ("Goch", "47574", 51.6954, 6.1237),
        ("Emmerich am Rhein", "46446", 51.8501, 6.2484),
        ("Kevelaer", "47623", 51.5791, 6.2323),
        ("Rees", "46459", 51.7734, 6.4204),
        ("Straelen", "47638", 51.4289, 6.2594),
        ("Kalkar", "47546", 51.7502, 6.3114),
        ("Bedburg-Hau", "47551", 51.7581, 6.207),
        ("Kranenburg", "47559", 51.7887, 6.0178),
        ("Weeze", "47652", 51.6211, 6.1823),
    ],
    # Kreis Mettmann
    "05158": [
        ("Ratingen", "40878", 51.2945, 6.8473),
        ("Velbert", "42549", 51.3369, 7.023),
        ("Langenfeld (Rheinland)", "40764", 51.111, 6.9571),
        ("Hilden", "40721", 51.168, 6.9145),
        ("Erkrath", "40699", 51.2173, 6.9277),
        ("Monheim am Rhein", "40789", 51.0959, 6.8927),
        ("Mettmann", "40822", 51.2571, 6.9778),
        ("Haan", "42781", 51.2082, 7.0101),
        ("Heiligenhaus", "42579", 51.329, 6.9654),
        ("Wülfrath", "42489", 51.2914, 7.0358),
    ],
    # Rhein-Kreis Neuss
    "05162": [
        ("Neuss", "41460", 51.2071, 6.7067),
        ("Grevenbroich", "41515", 51.0829, 6.6017),
        ("Dormagen", "41539", 51.1016, 6.8475),
        ("Meerbusch", "40667", 51.2588, 6.6844),
        ("Kaarst", "41564", 51.2194, 6.611),
        ("Korschenbroich", "41352", 51.1858, 6.5493),
        ("Jüchen", "41363", 51.1026, 6.5065),
        ("Rommerskirchen", "41569", 51.0569, 6.6908),
    ],
    # Kreis Viersen
    "05166": [
        ("Viersen", "41747", 51.275, 6.4023),
        ("Willich", "47877", 51.2624, 6.5188),
        ("Nettetal", "41334", 51.3164, 6.2503),
        ("Kempen", "47906", 51.3785, 6.4376),
        ("Tönisvorst", "47918", 51.3164, 6.4525),
        ("Schwalmtal", "41366", 51.2184, 6.2715),
        ("Brüggen", "41379", 51.2631, 6.1644),
        ("Grefrath", "47929", 51.3407, 6.3503),
        ("Niederkrüchten", "41372", 51.2048, 6.1542),
    ],
    # Kreis Wesel
    "05170": [
        ("Moers", "47441", 51.448, 6.6233),
        ("Dinslaken", "46535", 51.5578, 6.7269),
        ("Wesel", "46483", 51.6618, 6.6137),
        ("Kamp-Lintfort", "47475", 51.5158, 6.5202),
        ("Voerde (Niederrhein)", "46562", 51.6009, 6.6521),
        ("Rheinberg", "47495", 51.556, 6.61),
        ("Hamminkeln", "46499", 51.7495, 6.6174),
        ("Neukirchen-Vluyn", "47506", 51.4429, 6.5503),
        ("Xanten", "46509", 51.6731, 6.4338),
        ("Hünxe", "46569", 51.6423, 6.7655),
        ("Schermbeck", "46514", 51.6999, 6.835),
        ("Alpen", "46519", 51.5966, 6.4887),
    ],
    # Bonn
    "05314": [
        ("Bonn", "53111", 50.7402, 7.0984),
        ("Bonn", "53113", 50.7197, 7.1198),
        ("Bonn", "53115", 50.7234, 7.0895),
        ("Bonn", "53123", 50.7145, 7.0446),
        ("Bonn", "53173", 50.689, 7.163),
        ("Bonn", "53225", 50.7534, 7.1184),
    ],
    # Köln
    "05315": [
        ("Köln", "50667", 50.9405, 6.9441),
        ("Köln", "50733", 50.9643, 6.9538),
        ("Köln", "50823", 50.9511, 6.9265),
        ("Köln", "50931", 50.9323, 6.9182),
        ("Köln", "50996", 50.8826, 6.992),
        ("Köln", "51065", 50.9549, 7.0116),
        ("Köln", "51103", 50.9421, 7.0167),
        ("Köln", "51143", 50.8597, 7.036),
    ],
    # Leverkusen
    "05316": [
        ("Leverkusen", "51371", 51.0601, 6.9461),
        ("Leverkusen", "51373", 51.0358, 6.9857),
        ("Leverkusen", "51375", 51.0316, 7.058),
        ("Leverkusen", "51377", 51.0473, 7.0596),
        ("Leverkusen", "51379", 51.0703, 7.001),
    ],
    # StädteRegion Aachen
    "05334": [
        ("Aachen", "52062", 50.7771, 6.0864),
        ("Eschweiler", "52249", 50.8285, 6.2699),
        ("Stolberg (Rhld.)", "52222", 50.7732, 6.2188),
        ("Alsdorf", "52477", 50.8686, 6.1755),
        ("Herzogenrath", "52134", 50.8639, 6.0983),
        ("Würselen", "52146", 50.8272, 6.1507),
        ("Baesweiler", "52499", 50.918, 6.1853),
        ("Simmerath", "52152", 50.6137, 6.3295),
        ("Monschau", "52156", 50.5976, 6.2474),
        ("Roetgen", "52159", 50.6361, 6.2154),
    ],
    # Kreis Düren
    "05358": [
        ("Düren", "52349", 50.8007, 6.471),
        ("Jülich", "52428", 50.9282, 6.3688),
        ("Kreuzau", "52372", 50.7324, 6.4909),
        ("Niederzier", "52382", 50.893, 6.475),
        ("Langerwehe", "52379", 50.7988, 6.3644),
        ("Merzenich", "52399", 50.8427, 6.5501),
        ("Linnich", "52441", 50.9759, 6.2823),
        ("Nörvenich", "52388", 50.8017, 6.6291),
        ("Aldenhoven", "52457", 50.8982, 6.2613),
        ("Nideggen", "52385", 50.6761, 6.4856),
        ("Vettweiß", "52391", 50.7422, 6.6057),
    ],
    # Rhein-Erft-Kreis
    "05362": [
        ("Kerpen", "50171", 50.8626, 6.6641),
        ("Bergheim", "50126", 50.9667, 6.6198),
        ("Hürth", "50354", 50.8739, 6.8589),
        ("Pulheim", "50259", 51.0002, 6.7842),
        ("Frechen", "50226", 50.9136, 6.7841),
        ("Erftstadt", "50374", 50.793, 6.7669),
        ("Brühl", "50321", 50.8209, 6.8867),
        ("Wesseling", "50389", 50.8171, 6.9771),
        ("Bedburg", "50181", 51.0099, 6.5451),
        ("Elsdorf", "50189", 50.9318, 6.5623),
    ],
    # Kreis Euskirchen
    "05366": [
        ("Euskirchen", "53879", 50.6767, 6.8072),
        ("Mechernich", "53894", 50.5912, 6.6478),
        ("Zülpich", "53909", 50.6865, 6.668),
        ("Bad Münstereifel", "53902", 50.5321, 6.8158),
        ("Schleiden", "53937", 50.5568, 6.4516),
        ("Weilerswist", "53919", 50.7318, 6.8385),
        ("Kall", "53925", 50.5164, 6.5527),
        ("Hellenthal", "53940", 50.4488, 6.4256),
        ("Blankenheim", "53945", 50.4083, 6.6883),
        ("Nettersheim", "53947", 50.4921, 6.6632),
    ],
    # Kreis Heinsberg
    "05370": [
        ("Erkelenz", "41812", 51.0677, 6.339),
        ("Heinsberg", "52525", 51.054, 6.0887),
        ("Hückelhoven", "41836", 51.0432, 6.2308),
        ("Geilenkirchen", "52511", 50.9733, 6.1311),
        ("Übach-Palenberg", "52531", 50.9269, 6.1043),
        ("Wegberg", "41844", 51.1428, 6.2495),
        ("Wassenberg", "41849", 51.1132, 6.1451),
        ("Gangelt", "52538", 51.0112, 5.9717),
        ("Waldfeucht", "52525", 51.065, 5.98),
        ("Selfkant", "52538", 51.03, 5.92),
    ],
    # Oberbergischer Kreis
    "05374": [
        ("Gummersbach", "51643", 51.0224, 7.5521),
        ("Wiehl", "51674", 50.9577, 7.5301),
        ("Radevormwald", "42477", 51.2118, 7.3601),
        ("Wipperfürth", "51688", 51.112, 7.4021),
        ("Lindlar", "51789", 51.0247, 7.3628),
        ("Engelskirchen", "51766", 50.9852, 7.4239),
        ("Waldbröl", "51545", 50.8677, 7.6105),
        ("Bergneustadt", "51702", 51.0285, 7.6798),
        ("Reichshof", "51580", 50.9573, 7.6875),
        ("Hückeswagen", "42499", 51.1477, 7.3314),
        ("Nümbrecht", "51588", 50.9022, 7.5355),
        ("Marienheide", "51709", 51.076, 7.5369),
    ],
    # Rheinisch-Bergischer Kreis
    "05378": [
        ("Bergisch Gladbach", "51465", 50.9937, 7.1572),
        ("Wermelskirchen", "42929", 51.1118, 7.2179),
        ("Overath", "51491", 50.945, 7.2949),
        ("Rösrath", "51503", 50.906, 7.1835),
        ("Leichlingen (Rheinland)", "42799", 51.112, 7.0585),
        ("Burscheid", "51399", 51.0872, 7.1162),
        ("Kürten", "51515", 51.0401, 7.2558),
        ("Odenthal", "51519", 51.0401, 7.1491),
    ],
    # Rhein-Sieg-Kreis
    "05382": [
        ("Troisdorf", "53840", 50.8144, 7.1648),
        ("Sankt Augustin", "53757", 50.7714, 7.1898),
        ("Bornheim", "53332", 50.7682, 6.9551),
        ("Hennef (Sieg)", "53773", 50.7558, 7.3295),
        ("Siegburg", "53721", 50.8053, 7.2377),
        ("Königswinter", "53639", 50.701, 7.2584),
        ("Niederkassel", "53859", 50.8136, 7.0503),
        ("Lohmar", "53797", 50.8656, 7.2483),
        ("Rheinbach", "53359", 50.6155, 6.9502),
        ("Bad Honnef", "53604", 50.6535, 7.279),
        ("Meckenheim", "53340", 50.6131, 7.0151),
        ("Alfter", "53347", 50.7096, 7.0066),
    ],
    # Bottrop
    "05512": [
        ("Bottrop", "46236", 51.5248, 6.9254),
        ("Bottrop", "46238", 51.5213, 6.9642),
        ("Bottrop", "46240", 51.5463, 6.9354),
        ("Bottrop", "46242", 51.5221, 6.9091),
        ("Bottrop", "46244", 51.6012, 6.909),
    ],
    # Gelsenkirchen
    "05513": [
        ("Gelsenkirchen", "45879", 51.506, 7.0951),
        ("Gelsenkirchen", "45881", 51.527, 7.0799),
        ("Gelsenkirchen", "45884", 51.4918, 7.0853),
        ("Gelsenkirchen", "45886", 51.4976, 7.1195),
        ("Gelsenkirchen", "45891", 51.5576, 7.0829),
        ("Gelsenkirchen", "45894", 51.5807, 7.0551),
        ("Gelsenkirchen", "45899", 51.5377, 7.0324),
    ],
    # Münster
    "05515": [
        ("Münster", "48143", 51.9613, 7.6265),
        ("Münster", "48145", 51.9647, 7.6536),
        ("Münster", "48147", 51.9776, 7.6355),
        ("Münster", "48151", 51.944, 7.6116),
        ("Münster", "48155", 51.9515, 7.671),
        ("Münster", "48159", 52.0137, 7.5999),
        ("Münster", "48165", 51.8992, 7.6546),
        ("Münster", "48167", 51.9233, 7.723),
    ],
    # Kreis Borken
    "05554": [
        ("Bocholt", "46395", 51.8204, 6.5797),
        ("Gronau (Westf.)", "48599", 52.1899, 7.0342),
        ("Borken", "46325", 51.8522, 6.8316),
        ("Ahaus", "48683", 52.0978, 6.963),
        ("Vreden", "48691", 52.0623, 6.8107),
        ("Stadtlohn", "48703", 52.0022, 6.9352),
        ("Rhede", "46414", 51.8304, 6.7071),
        ("Gescher", "48712", 51.9471, 7.0217),
        ("Reken", "48734", 51.8236, 7.0651),
        ("Isselburg", "46419", 51.8345, 6.4553),
        ("Velen", "46342", 51.8972, 6.9538),
        ("Raesfeld", "46348", 51.7663, 6.8332),
    ],
    # Kreis Coesfeld
    "05558": [
        ("Dülmen", "48249", 51.8472, 7.2891),
        ("Coesfeld", "48653", 51.9174, 7.1526),
        ("Lüdinghausen", "59348", 51.7742, 7.4159),
        ("Senden", "48308", 51.8612, 7.5006),
        ("Nottuln", "48301", 51.922, 7.3617),
        ("Ascheberg", "59387", 51.773, 7.6397),
        ("Olfen", "59399", 51.7053, 7.3799),
        ("Havixbeck", "48329", 51.9743, 7.4429),
        ("Billerbeck", "48727", 51.9896, 7.3144),
        ("Nordkirchen", "59394", 51.7303, 7.555),
    ],
    # Kreis Recklinghausen
    "05562": [
        ("Recklinghausen", "45657", 51.62, 7.1927),
        ("Marl", "45768", 51.6554, 7.0608),
        ("Dorsten", "46282", 51.6489, 6.9731),
        ("Gladbeck", "45964", 51.566, 6.9776),
        ("Castrop-Rauxel", "44575", 51.5483, 7.3089),
        ("Herten", "45699", 51.5829, 7.1478),
        ("Haltern am See", "45721", 51.7527, 7.186),
        ("Datteln", "45711", 51.6664, 7.3215),
        ("Oer-Erkenschwick", "45739", 51.661, 7.2394),
        ("Waltrop", "45731", 51.6232, 7.3994),
    ],
    # Kreis Steinfurt
    "05566": [
        ("Rheine", "48431", 52.2742, 7.4278),
        ("Ibbenbüren", "49477", 52.2805, 7.7087),
        ("Greven", "48268", 52.0951, 7.6336),
        ("Emsdetten", "48282", 52.1735, 7.5228),
        ("Steinfurt", "48565", 52.1448, 7.3694),
        ("Lengerich", "49525", 52.1722, 7.8313),
        ("Ochtrup", "48607", 52.2132, 7.1825),
        ("Hörstel", "48477", 52.2896, 7.5848),
        ("Mettingen", "49497", 52.3251, 7.7796),
        ("Neuenkirchen", "48485", 52.236, 7.3762),
        ("Wettringen", "48493", 52.2312, 7.2952),
        ("Tecklenburg", "49545", 52.2232, 7.8061),
    ],
    # Kreis Warendorf
    "05570": [
        ("Ahlen", "59227", 51.7842, 7.8843),
        ("Warendorf", "48231", 51.9475, 7.9584),
        ("Beckum", "59269", 51.7606, 8.0469),
        ("Oelde", "59302", 51.8182, 8.1668),
        ("Ennigerloh", "59320", 51.859, 8.0255),
        ("Telgte", "48291", 51.9939, 7.7869),
        ("Drensteinfurt", "48317", 51.8012, 7.7271),
        ("Sendenhorst", "48324", 51.8535, 7.7906),
        ("Sassenberg", "48336", 52.0112, 8.0461),
        ("Wadersloh", "59329", 51.723, 8.2261),
        ("Ostbevern", "48346", 52.0539, 7.8327),
        ("Everswinkel", "48351", 51.9187, 7.8424),
    ],
    # Bielefeld
    "05711": [
        ("Bielefeld", "33602", 52.0228, 8.5365),
        ("Bielefeld", "33607", 52.0216, 8.5681),
        ("Bielefeld", "33611", 52.0497, 8.5473),
        ("Bielefeld", "33615", 52.0329, 8.509),
        ("Bielefeld", "33647", 51.978, 8.5051),
        ("Bielefeld", "33689", 51.9439, 8.5886),
        ("Bielefeld", "33739", 52.085, 8.5182),
    ],
    # Kreis Gütersloh
    "05754": [
        ("Gütersloh", "33330", 51.8974, 8.3769),
        ("Rheda-Wiedenbrück", "33378", 51.8388, 8.3057),
        ("Rietberg", "33397", 51.8021, 8.423),
        ("Schloß Holte-Stukenbrock", "33758", 51.8899, 8.6483),
        ("Verl", "33415", 51.8772, 8.5245),
        ("Harsewinkel", "33428", 51.971, 8.2151),
        ("Halle (Westf.)", "33790", 52.0422, 8.3303),
        ("Versmold", "33775", 52.0396, 8.1715),
        ("Steinhagen", "33803", 51.9996, 8.3807),
        ("Herzebrock-Clarholz", "33442", 51.9002, 8.2319),
        ("Werther (Westf.)", "33824", 52.0837, 8.4176),
        ("Borgholzhausen", "33829", 52.0946, 8.2863),
    ],
    # Kreis Herford
    "05758": [
        ("Herford", "32052", 52.0894, 8.6602),
        ("Bünde", "32257", 52.2068, 8.5653),
        ("Löhne", "32584", 52.1992, 8.7224),
        ("Enger", "32130", 52.1387, 8.5538),
        ("Vlotho", "32602", 52.147, 8.8378),
        ("Hiddenhausen", "32120", 52.1558, 8.6357),
        ("Spenge", "32139", 52.1367, 8.4705),
        ("Kirchlengern", "32278", 52.2213, 8.6403),
        ("Rödinghausen", "32289", 52.2358, 8.4973),
    ],
    # Kreis Höxter
    "05762": [
        ("Höxter", "37671", 51.7866, 9.3447),
        ("Warburg", "34414", 51.5135, 9.0923),
        ("Bad Driburg", "33014", 51.7218, 9.0382),
        ("Brakel", "33034", 51.7096, 9.1798),
        ("Steinheim", "32839", 51.8486, 9.0549),
        ("Beverungen", "37688", 51.6677, 9.3389),
        ("Willebadessen", "34439", 51.6046, 9.0939),
        ("Borgentreich", "34434", 51.5765, 9.2558),
        ("Nieheim", "33039", 51.8066, 9.1032),
        ("Marienmünster", "37696", 51.8235, 9.2323),
    ],
    # Kreis Lippe
    "05766": [
        ("Detmold", "32756", 51.9384, 8.8745),
        ("Bad Salzuflen", "32105", 52.0887, 8.7419),
        ("Lemgo", "32657", 52.0336, 8.9019),
        ("Lage", "32791", 51.9823, 8.7775),
        ("Horn-Bad Meinberg", "32805", 51.8703, 8.9691),
        ("Blomberg", "32825", 51.9529, 9.058),
        ("Oerlinghausen", "33813", 51.9479, 8.6757),
        ("Leopoldshöhe", "33818", 52.0088, 8.6873),
        ("Kalletal", "32689", 52.1218, 8.9591),
        ("Extertal", "32699", 52.0914, 9.0984),
        ("Augustdorf", "32832", 51.9013, 8.756),
        ("Schlangen", "33189", 51.8366, 8.8298),
    ],
    # Kreis Minden-Lübbecke
    "05770": [
        ("Minden", "32423", 52.295, 8.9503),
        ("Bad Oeynhausen", "32545", 52.1846, 8.7963),
        ("Porta Westfalica", "32457", 52.2237, 8.952),
        ("Lübbecke", "32312", 52.3098, 8.6216),
        ("Espelkamp", "32339", 52.3714, 8.6247),
        ("Petershagen", "32469", 52.3999, 8.9969),
        ("Hille", "32479", 52.3321, 8.7697),
        ("Rahden", "32369", 52.4568, 8.6265),
        ("Stemwede", "32351", 52.4273, 8.4534),
        ("Hüllhorst", "32609", 52.269, 8.6664),
        ("Preußisch Oldendorf", "32361", 52.3113, 8.5048),
    ],
    # Kreis Paderborn
    "05774": [
        ("Paderborn", "33098", 51.7104, 8.753),
        ("Delbrück", "33129", 51.7655, 8.5409),
        ("Salzkotten", "33154", 51.6744, 8.6025),
        ("Bad Lippspringe", "33175", 51.7867, 8.8237),
        ("Büren", "33142", 51.555, 8.5845),
        ("Hövelhof", "33161", 51.8318, 8.6685),
        ("Borchen", "33178", 51.6517, 8.7699),
        ("Bad Wünnenberg", "33181", 51.5238, 8.7329),
        ("Altenbeken", "33184", 51.7386, 8.9374),
        ("Lichtenau", "33165", 51.6091, 8.8943),
    ],
    # Bochum
    "05911": [
        ("Bochum", "44787", 51.4821, 7.2171),
        ("Bochum", "44791", 51.4901, 7.2511),
        ("Bochum", "44795", 51.4514, 7.1971),
        ("Bochum", "44801", 51.4475, 7.2682),
        ("Bochum", "44866", 51.4858, 7.141),
        ("Bochum", "44879", 51.4299, 7.1582),
        ("Bochum", "44892", 51.4681, 7.32),
    ],
    # Dortmund
    "05913": [
        ("Dortmund", "44135", 51.5132, 7.4754),
        ("Dortmund", "44147", 51.528, 7.4412),
        ("Dortmund", "44225", 51.4777, 7.4499),
        ("Dortmund", "44263", 51.4884, 7.4988),
        ("Dortmund", "44309", 51.5271, 7.5561),
        ("Dortmund", "44339", 51.566, 7.4669),
        ("Dortmund", "44359", 51.5714, 7.3977),
        ("Dortmund", "44388", 51.5068, 7.3347),
    ],
    # Hagen
    "05914": [
        ("Hagen", "58093", 51.3746, 7.5277),
        ("Hagen", "58095", 51.3576, 7.4759),
        ("Hagen", "58097", 51.3719, 7.4797),
        ("Hagen", "58099", 51.3713, 7.5326),
        ("Hagen", "58119", 51.3515, 7.5682),
        ("Hagen", "58135", 51.3377, 7.4218),
    ],
    # Hamm
    "05915": [
        ("Hamm", "59063", 51.6685, 7.8324),
        ("Hamm", "59065", 51.6881, 7.8098),
        ("Hamm", "59069", 51.6246, 7.863),
        ("Hamm", "59071", 51.677, 7.913),
        ("Hamm", "59073", 51.7147, 7.8361),
        ("Hamm", "59075", 51.7057, 7.7478),
        ("Hamm", "59077", 51.6426, 7.7378),
    ],
    # Herne
    "05916": [
        ("Herne", "44623", 51.5466, 7.2159),
        ("Herne", "44625", 51.5277, 7.2141),
        ("Herne", "44628", 51.5572, 7.2442),
        ("Herne", "44649", 51.5332, 7.1507),
        ("Herne", "44651", 51.5133, 7.162),
        ("Herne", "44653", 51.5457, 7.1644),
    ],
    # Ennepe-Ruhr-Kreis
    "05954": [
        ("Witten", "58452", 51.4225, 7.3277),
        ("Hattingen", "45525", 51.3961, 7.1824),
        ("Gevelsberg", "58285", 51.3335, 7.3402),
        ("Ennepetal", "58256", 51.2828, 7.3658),
        ("Schwelm", "58332", 51.2842, 7.2898),
        ("Wetter (Ruhr)", "58300", 51.3777, 7.3537),
        ("Sprockhövel", "45549", 51.338, 7.2541),
        ("Herdecke", "58313", 51.4131, 7.4175),
        ("Breckerfeld", "58339", 51.2669, 7.453),
    ],
    # Hochsauerlandkreis
    "05958": [
        ("Arnsberg", "59821", 51.3832, 8.0533),
        ("Meschede", "59872", 51.3381, 8.2477),
        ("Sundern (Sauerland)", "59846", 51.3106, 8.0058),
        ("Brilon", "59929", 51.4081, 8.604),
        ("Schmallenberg", "57392", 51.1831, 8.3158),
        ("Marsberg", "34431", 51.4471, 8.8399),
        ("Olsberg", "59939", 51.3297, 8.4884),
        ("Winterberg", "59955", 51.2057, 8.5182),
        ("Bestwig", "59909", 51.3406, 8.401),
        ("Eslohe (Sauerland)", "59889", 51.2488, 8.1754),
        ("Medebach", "59964", 51.2078, 8.6754),
        ("Hallenberg", "59969", 51.1135, 8.6089),
    ],
    # Märkischer Kreis
    "05962": [
        ("Iserlohn", "58636", 51.3843, 7.7164),
        ("Lüdenscheid", "58507", 51.2306, 7.6256),
        ("Menden (Sauerland)", "58706", 51.4317, 7.7932),
        ("Hemer", "58675", 51.3681, 7.7774),
        ("Plettenberg", "58840", 51.2101, 7.8607),
        ("Meinerzhagen", "58540", 51.11, 7.7184),
        ("Werdohl", "58791", 51.2532, 7.7455),
        ("Altena", "58762", 51.2847, 7.6884),
        ("Halver", "58553", 51.1886, 7.4954),
        ("Kierspe", "58566", 51.1418, 7.5797),
        ("Neuenrade", "58809", 51.2782, 7.8306),
        ("Balve", "58802", 51.3351, 7.8609),
    ],
    # Kreis Olpe
    "05966": [
        ("Lennestadt", "57368", 51.1278, 8.0789),
        ("Attendorn", "57439", 51.121, 7.8978),
        ("Olpe", "57462", 51.0396, 7.8865),
        ("Wenden", "57482", 50.9633, 7.8636),
        ("Finnentrop", "57413", 51.1997, 8.0096),
        ("Drolshagen", "57489", 51.0319, 7.7708),
        ("Kirchhundem", "57399", 51.0567, 8.1127),
    ],
    # Kreis Siegen-Wittgenstein
    "05970": [
        ("Siegen", "57072", 50.8826, 7.9883),
        ("Kreuztal", "57223", 50.9814, 7.9859),
        ("Netphen", "57250", 50.9087, 8.1607),
        ("Bad Berleburg", "57319", 51.0551, 8.4059),
        ("Wilnsdorf", "57234", 50.8305, 8.1152),
        ("Hilchenbach", "57271", 50.9868, 8.1275),
        ("Freudenberg", "57258", 50.8951, 7.8977),
        ("Bad Laasphe", "57334", 50.9271, 8.3477),
        ("Burbach", "57299", 50.7404, 8.0944),
        ("Neunkirchen", "57290", 50.7867, 8.0162),
        ("Erndtebrück", "57339", 50.9952, 8.2587),
    ],
    # Kreis Soest
    "05974": [
        ("Lippstadt", "59555", 51.6876, 8.3385),
        ("Soest", "59494", 51.5656, 8.086),
        ("Werl", "59457", 51.5562, 7.9089),
        ("Warstein", "59581", 51.4535, 8.2988),
        ("Geseke", "59590", 51.6347, 8.4922),
        ("Erwitte", "59597", 51.6111, 8.311),
        ("Rüthen", "59602", 51.5048, 8.4399),
        ("Bad Sassendorf", "59505", 51.5809, 8.1866),
        ("Ense", "59469", 51.5018, 7.9704),
        ("Möhnesee", "59519", 51.4849, 8.1234),
        ("Wickede (Ruhr)", "58739", 51.4961, 7.8693),
        ("Anröchte", "59609", 51.549, 8.3092),
    ],
    # Kreis Unna
    "05978": [
        ("Lünen", "44532", 51.5975, 7.5406),
        ("Unna", "59423", 51.5304, 7.6934),
        ("Bergkamen", "59192", 51.6231, 7.6307),
        ("Schwerte", "58239", 51.4302, 7.5766),
        ("Kamen", "59174", 51.5821, 7.6661),
        ("Werne", "59368", 51.6784, 7.6262),
        ("Selm", "59379", 51.6838, 7.4857),
        ("Fröndenberg/Ruhr", "58730", 51.493, 7.7607),
        ("Bönen", "59199", 51.5958, 7.7699),
        ("Holzwickede", "59439", 51.4888, 7.6316),
    ],
}

YOUTH_WELFARE_OFFICES: dict[str, list[str]] = {
    # Düsseldorf
    "05111": ["Düsseldorf"],
    # Duisburg
    "05112": ["Duisburg"],
    # Essen
    "05113": ["Essen"],
    # Krefeld
    "05114": ["Krefeld"],
    # Mönchengladbach
    "05116": ["Mönchengladbach"],
    # Mülheim an der Ruhr
    "05117": ["Mülheim an der Ruhr"],
    # Oberhausen
    "05119": ["Oberhausen"],
    # Remscheid
    "05120": ["Remscheid"],
    # Solingen
    "05122": ["Solingen"],
    # Wuppertal
    "05124": ["Wuppertal"],
    # Kreis Kleve
    "05154": ["Kreis Kleve", "Kleve", "Geldern", "Goch", "Emmerich am Rhein", "Kevelaer"],
    # Kreis Mettmann
    "05158": [
        "Ratingen",
        "Velbert",
        "Langenfeld (Rheinland)",
        "Hilden",
        "Erkrath",
        "Monheim am Rhein",
        "Mettmann",
        "Haan",
        "Heiligenhaus",
        "Wülfrath",
    ],
    # Rhein-Kreis Neuss
    "05162": ["Rhein-Kreis Neuss", "Neuss", "Grevenbroich", "Dormagen", "Meerbusch", "Kaarst"],
    # Kreis Viersen
    "05166": ["Kreis Viersen", "Viersen", "Willich", "Nettetal", "Kempen"],
    # Kreis Wesel
    "05170": [
        "Kreis Wesel",
        "Moers",
        "Dinslaken",
        "Wesel",
        "Kamp-Lintfort",
        "Voerde (Niederrhein)",
        "Rheinberg",
        "Neukirchen-Vluyn",
    ],
    # Bonn
    "05314": ["Bonn"],
    # Köln
    "05315": ["Köln"],
    # Leverkusen
    "05316": ["Leverkusen"],
    # StädteRegion Aachen
    "05334": [
        "StädteRegion Aachen",
        "Aachen",
        "Eschweiler",
        "Stolberg (Rhld.)",
        "Alsdorf",
        "Herzogenrath",
        "Würselen",
    ],
    # Kreis Düren
    "05358": ["Kreis Düren", "Düren", "Jülich"],
    # Rhein-Erft-Kreis
    "05362": [
        "Rhein-Erft-Kreis",
        "Kerpen",
        "Bergheim",
        "Hürth",
        "Pulheim",
        "Frechen",
        "Erftstadt",
        "Brühl",
        "Wesseling",
    ],
    # Kreis Euskirchen
    "05366": ["Kreis Euskirchen", "Euskirchen"],
    # Kreis Heinsberg
    "05370": ["Kreis Heinsberg", "Erkelenz", "Hückelhoven", "Geilenkirchen", "Übach-Palenberg"],
    # Oberbergischer Kreis
    "05374": ["Oberbergischer Kreis", "Gummersbach", "Radevormwald"],
    # Rheinisch-Bergischer Kreis
    "05378": [
        "Rheinisch-Bergischer Kreis",
        "Bergisch Gladbach",
        "Wermelskirchen",
        "Overath",
        "Rösrath",
        "Leichlingen (Rheinland)",
        "Burscheid",
    ],
    # Rhein-Sieg-Kreis
    "05382": [
        "Rhein-Sieg-Kreis",
        "Troisdorf",
        "Sankt Augustin",
        "Bornheim",
        "Hennef (Sieg)",
        "Siegburg",
        "Königswinter",
        "Niederkassel",
        "Rheinbach",
        "Bad Honnef",
        "Meckenheim",
    ],
    # Bottrop
    "05512": ["Bottrop"],
    # Gelsenkirchen
    "05513": ["Gelsenkirchen"],
    # Münster
    "05515": ["Münster"],
    # Kreis Borken
    "05554": ["Kreis Borken", "Bocholt", "Gronau (Westf.)", "Borken", "Ahaus"],
    # Kreis Coesfeld
    "05558": ["Kreis Coesfeld", "Dülmen", "Coesfeld"],
    # Kreis Recklinghausen
    "05562": [
        "Kreis Recklinghausen",
        "Recklinghausen",
        "Marl",
        "Dorsten",
        "Gladbeck",
        "Castrop-Rauxel",
        "Herten",
    ],
    # Kreis Steinfurt
    "05566": ["Kreis Steinfurt", "Rheine", "Ibbenbüren", "Greven", "Emsdetten"],
    # Kreis Warendorf
    "05570": ["Kreis Warendorf", "Ahlen", "Beckum", "Oelde"],
    # Bielefeld
    "05711": ["Bielefeld"],
    # Kreis Gütersloh
    "05754": [
        "Kreis Gütersloh",
        "Gütersloh",
        "Rheda-Wiedenbrück",
        "Rietberg",
        "Schloß Holte-Stukenbrock",
        "Verl",
    ],
    # Kreis Herford
    "05758": ["Kreis Herford", "Herford", "Bünde", "Löhne"],
    # Kreis Höxter
    "05762": ["Kreis Höxter"],
    # Kreis Lippe
    "05766": ["Kreis Lippe", "Detmold", "Bad Salzuflen", "Lemgo"],
    # Kreis Minden-Lübbecke
    "05770": ["Kreis Minden-Lübbecke", "Minden", "Bad Oeynhausen"],
    # Kreis Paderborn
    "05774": ["Kreis Paderborn", "Paderborn"],
    # Bochum
    "05911": ["Bochum"],
    # Dortmund
    "05913": ["Dortmund"],
    # Hagen
    "05914": ["Hagen"],
    # Hamm
    "05915": ["Hamm"],
    # Herne
    "05916": ["Herne"],
    # Ennepe-Ruhr-Kreis
    "05954": [
        "Ennepe-Ruhr-Kreis",
        "Witten",
        "Hattingen",
        "Gevelsberg",
        "Ennepetal",
        "Schwelm",
        "Sprockhövel",
    ],
    # Hochsauerlandkreis
    "05958": [
        "Hochsauerlandkreis",
        "Arnsberg",
        "Meschede",
        "Sundern (Sauerland)",
        "Brilon",
        "Schmallenberg",
    ],
    # Märkischer Kreis
    "05962": [
        "Märkischer Kreis",
        "Iserlohn",
        "Lüdenscheid",
        "Menden (Sauerland)",
        "Hemer",
        "Plettenberg",
        "Werdohl",
    ],
    # Kreis Olpe
    "05966": ["Kreis Olpe", "Lennestadt", "Attendorn", "Olpe"],
    # Kreis Siegen-Wittgenstein
    "05970": ["Kreis Siegen-Wittgenstein", "Siegen"],
    # Kreis Soest
    "05974": ["Kreis Soest", "Lippstadt", "Soest", "Werl"],
    # Kreis Unna
    "05978": ["Kreis Unna", "Lünen", "Unna", "Bergkamen", "Schwerte", "Kamen", "Werne", "Selm"],
}

SEATS: dict[str, str] = {
    "05111": "Düsseldorf",
    "05112": "Duisburg",
    "05113": "Essen",
    "05114": "Krefeld",
    "05116": "Mönchengladbach",
    "05117": "Mülheim an der Ruhr",
    "05119": "Oberhausen",
    "05120": "Remscheid",
    "05122": "Solingen",
    "05124": "Wuppertal",
    "05154": "Kleve",  # Kreis Kleve
    "05158": "Mettmann",  # Kreis Mettmann
    "05162": "Neuss",  # Rhein-Kreis Neuss
    "05166": "Viersen",  # Kreis Viersen
    "05170": "Wesel",  # Kreis Wesel
    "05314": "Bonn",
    "05315": "Köln",
    "05316": "Leverkusen",
    "05334": "Aachen",  # StädteRegion Aachen
    "05358": "Düren",  # Kreis Düren
    "05362": "Bergheim",  # Rhein-Erft-Kreis
    "05366": "Euskirchen",  # Kreis Euskirchen
    "05370": "Heinsberg",  # Kreis Heinsberg
    "05374": "Gummersbach",  # Oberbergischer Kreis
    "05378": "Bergisch Gladbach",  # Rheinisch-Bergischer Kreis
    "05382": "Siegburg",  # Rhein-Sieg-Kreis
    "05512": "Bottrop",
    "05513": "Gelsenkirchen",
    "05515": "Münster",
    "05554": "Borken",  # Kreis Borken
    "05558": "Coesfeld",  # Kreis Coesfeld
    "05562": "Recklinghausen",  # Kreis Recklinghausen
    "05566": "Steinfurt",  # Kreis Steinfurt
    "05570": "Warendorf",  # Kreis Warendorf
    "05711": "Bielefeld",
    "05754": "Gütersloh",  # Kreis Gütersloh
    "05758": "Herford",  # Kreis Herford
    "05762": "Höxter",  # Kreis Höxter
    "05766": "Detmold",  # Kreis Lippe
    "05770": "Minden",  # Kreis Minden-Lübbecke
    "05774": "Paderborn",  # Kreis Paderborn
    "05911": "Bochum",
    "05913": "Dortmund",
    "05914": "Hagen",
    "05915": "Hamm",
    "05916": "Herne",
    "05954": "Schwelm",  # Ennepe-Ruhr-Kreis
    "05958": "Meschede",  # Hochsauerlandkreis
    "05962": "Lüdenscheid",  # Märkischer Kreis
    "05966": "Olpe",  # Kreis Olpe
    "05970": "Siegen",  # Kreis Siegen-Wittgenstein
    "05974": "Soest",  # Kreis Soest
    "05978": "Unna",  # Kreis Unna
}


if __name__ == "__main__":
    EXPECTED_KEYS = {
        # Regierungsbezirk Düsseldorf
        "05111",
        "05112",
        "05113",
        "05114",
        "05116",
        "05117",
        "05119",
        "05120",
        "05122",
        "05124",
        "05154",
        "05158",
        "05162",
        "05166",
        "05170",
        # Regierungsbezirk Köln
        "05314",
        "05315",
        "05316",
        "05334",
        "05358",
        "05362",
        "05366",
        "05370",
        "05374",
        "05378",
        "05382",
        # Regierungsbezirk Münster
        "05512",
        "05513",
        "05515",
        "05554",
        "05558",
        "05562",
        "05566",
        "05570",
        # Regierungsbezirk Detmold
        "05711",
        "05754",
        "05758",
        "05762",
        "05766",
        "05770",
        "05774",
        # Regierungsbezirk Arnsberg
        "05911",
        "05913",
        "05914",
        "05915",
        "05916",
        "05954",
        "05958",
        "05962",
        "05966",
        "05970",
        "05974",
        "05978",
    }
    for mapping in (TOWNS, YOUTH_WELFARE_OFFICES, SEATS):
        assert len(mapping) == 53, len(mapping)
        assert set(mapping) == EXPECTED_KEYS, set(mapping) ^ EXPECTED_KEYS

    total_offices = sum(len(offices) for offices in YOUTH_WELFARE_OFFICES.values())
    assert total_offices == 186, total_offices

    for key, towns in TOWNS.items():
        assert towns, key
        for name, postcode, lat, lon in towns:
            assert name, key
            assert len(postcode) == 5 and postcode.isdigit(), (key, name, postcode)
            assert postcode[0] in "345", (key, name, postcode)
            assert 50.3 < lat < 52.6 and 5.8 < lon < 9.5, (key, name, lat, lon)
        assert len({(name, postcode) for name, postcode, _, _ in towns}) == len(towns), key

    for key, seat in SEATS.items():
        assert seat in {name for name, _, _, _ in TOWNS[key]}, (key, seat)

    for key, offices in YOUTH_WELFARE_OFFICES.items():
        assert len(offices) == len(set(offices)), key
        town_names = {name for name, _, _, _ in TOWNS[key]}
        for office in offices:
            is_kreis = office not in town_names
            assert not is_kreis or "kreis" in office.lower() or "Region" in office, (key, office)

    print(
        f"OK: {len(TOWNS)} regions, {sum(len(t) for t in TOWNS.values())} towns, "
        f"{total_offices} youth welfare offices"
    )

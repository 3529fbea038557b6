"""Word lists the demo world is written with: people's names, places, titles, reviews.

Kept as plain data so the generator can pick from them with one ``rng`` call per
field: building a million rows must not call Faker (or anything slow) per row.
Names are grouped by language so a host in Lyon is usually called Camille Martin
and a host in Osaka Haruto Tanaka. Strings here must not contain tabs, newlines
or backslashes: they go into COPY text format unescaped.
"""

from __future__ import annotations

# Data tables: laid out by hand, compact on purpose.
# fmt: off

# --- people ------------------------------------------------------------------
# group: (male first names, female first names, last names)
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        (
            "James", "Liam", "Noah", "Oliver", "Elijah", "Lucas", "Mason", "Ethan", "Logan", "Jack", "Henry",
            "Owen", "Samuel", "Daniel", "Leo", "Matthew", "Ryan", "Nathan", "Benjamin", "Thomas", "Michael",
            "David", "Andrew", "Chris",
        ),
        (
            "Olivia", "Emma", "Ava", "Sophia", "Isabella", "Mia", "Amelia", "Harper", "Evelyn", "Abigail",
            "Emily", "Ella", "Grace", "Chloe", "Lily", "Zoe", "Hannah", "Nora", "Charlotte", "Alice", "Rachel",
            "Sarah", "Megan", "Laura",
        ),
        (
            "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Anderson",
            "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson",
            "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson",
            "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards",
            "Collins", "Murphy", "Kelly", "O'Brien", "Hughes", "Wood", "Hall",
        ),
    ),
    "fr": (
        (
            "Louis", "Lucas", "Hugo", "Jules", "Gabriel", "Arthur", "Raphaël", "Nathan", "Théo", "Paul",
            "Mathis", "Antoine", "Maxime", "Julien", "Nicolas", "Thomas", "Baptiste", "Romain", "Adrien",
            "Victor", "Étienne", "Olivier",
        ),
        (
            "Camille", "Chloé", "Léa", "Manon", "Inès", "Jade", "Louise", "Alice", "Emma", "Sarah", "Juliette",
            "Zoé", "Clara", "Margaux", "Pauline", "Élodie", "Amélie", "Océane", "Lucie", "Mathilde", "Claire",
            "Hélène",
        ),
        (
            "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
            "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent",
            "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François",
            "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Henry", "Roussel", "Perrin",
        ),
    ),
    "de": (
        (
            "Lukas", "Leon", "Finn", "Jonas", "Paul", "Felix", "Elias", "Maximilian", "Ben", "Noah", "Julian",
            "Moritz", "Tim", "Jan", "Niklas", "Tobias", "Florian", "Sebastian", "Matthias", "Stefan", "Jürgen",
            "Andreas",
        ),
        (
            "Anna", "Lena", "Emma", "Mia", "Hannah", "Lea", "Sophie", "Marie", "Lina", "Laura", "Johanna",
            "Clara", "Katharina", "Sarah", "Julia", "Lisa", "Charlotte", "Greta", "Frieda", "Ida", "Sabine",
            "Petra",
        ),
        (
            "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
            "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
            "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause",
            "Meier", "Lehmann", "Huber", "Kaiser", "König", "Walter",
        ),
    ),
    "es": (
        (
            "Hugo", "Martín", "Pablo", "Daniel", "Alejandro", "Mateo", "Álvaro", "Diego", "Javier", "Adrián",
            "Carlos", "Manuel", "Miguel", "Andrés", "Sergio", "Jorge", "Luis", "Santiago", "Fernando",
            "Ricardo", "José", "Juan",
        ),
        (
            "Lucía", "Sofía", "Martina", "María", "Paula", "Valeria", "Julia", "Carmen", "Elena", "Laura", "Sara",
            "Ana", "Isabel", "Marta", "Claudia", "Victoria", "Camila", "Gabriela", "Valentina", "Daniela",
            "Rosa", "Pilar",
        ),
        (
            "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
            "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso",
            "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano",
            "Blanco", "Molina", "Morales", "Suárez", "Ortega", "Delgado", "Castro", "Ortiz", "Flores", "Reyes",
        ),
    ),
    "it": (
        (
            "Francesco", "Alessandro", "Leonardo", "Lorenzo", "Mattia", "Andrea", "Gabriele", "Riccardo",
            "Tommaso", "Edoardo", "Marco", "Luca", "Giuseppe", "Matteo", "Davide", "Federico", "Simone",
            "Stefano", "Pietro", "Giovanni", "Paolo", "Roberto",
        ),
        (
            "Sofia", "Giulia", "Aurora", "Alice", "Ginevra", "Emma", "Giorgia", "Beatrice", "Greta", "Martina",
            "Chiara", "Sara", "Anna", "Elena", "Francesca", "Valentina", "Camilla", "Laura", "Elisa", "Silvia",
            "Federica", "Paola",
        ),
        (
            "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
            "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
            "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini",
            "Leone", "Longo", "Gentile", "Vitale", "Serra", "D'Angelo", "Marchetti",
        ),
    ),
    "pt": (
        (
            "João", "Pedro", "Lucas", "Gabriel", "Miguel", "Rafael", "Tiago", "Gustavo", "Rodrigo", "Bruno",
            "Diogo", "Felipe", "André", "Matheus", "Thiago", "Vinícius", "Ricardo", "Eduardo", "Henrique",
            "Daniel", "Paulo", "Carlos",
        ),
        (
            "Maria", "Ana", "Beatriz", "Mariana", "Inês", "Leonor", "Carolina", "Júlia", "Larissa", "Camila",
            "Fernanda", "Letícia", "Catarina", "Isabela", "Sofia", "Luana", "Helena", "Marta", "Bianca", "Rita",
            "Joana", "Gabriela",
        ),
        (
            "Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Sousa",
            "Fernandes", "Gonçalves", "Gomes", "Lopes", "Marques", "Alves", "Almeida", "Ribeiro", "Pinto",
            "Carvalho", "Teixeira", "Moreira", "Correia", "Mendes", "Nunes", "Soares", "Vieira", "Monteiro",
            "Cardoso", "Rocha", "Lima", "Barbosa", "Araújo", "Melo", "Azevedo", "Nascimento", "Freitas",
        ),
    ),
    "nl": (
        (
            "Daan", "Sem", "Lucas", "Levi", "Finn", "Milan", "Jesse", "Noah", "Bram", "Thijs", "Ruben", "Stijn",
            "Lars", "Jasper", "Joris", "Pieter", "Wouter", "Koen", "Niels", "Bas", "Jeroen", "Maarten",
        ),
        (
            "Emma", "Julia", "Sophie", "Mila", "Tess", "Sara", "Zoë", "Anna", "Eva", "Lotte", "Fleur", "Lisa",
            "Iris", "Noor", "Femke", "Sanne", "Anouk", "Maud", "Esmee", "Roos", "Marloes", "Ilse",
        ),
        (
            "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
            "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen",
            "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs",
            "de Haan", "Vermeulen", "van den Heuvel", "Willems", "van Wijk", "Peeters", "Maes",
        ),
    ),
    "nordic": (
        (
            "Oskar", "William", "Lucas", "Liam", "Elias", "Hugo", "Oliver", "Emil", "Axel", "Nils", "Magnus",
            "Henrik", "Erik", "Anders", "Johan", "Mikkel", "Lars", "Sven", "Jonas", "Mathias", "Mikko", "Juha",
        ),
        (
            "Alice", "Maja", "Elsa", "Astrid", "Freja", "Ebba", "Wilma", "Saga", "Alma", "Ingrid", "Sigrid",
            "Liv", "Nora", "Ida", "Linnea", "Emma", "Karin", "Frida", "Sofie", "Signe", "Aino", "Helmi",
        ),
        (
            "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
            "Svensson", "Gustafsson", "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nielsen",
            "Kristiansen", "Jensen", "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Laine", "Heikkinen",
            "Koskinen", "Berg", "Lund", "Dahl", "Holm", "Lindqvist", "Lindberg", "Strand", "Haugen",
        ),
    ),
    "pl": (
        (
            "Jakub", "Antoni", "Jan", "Szymon", "Filip", "Kacper", "Mateusz", "Michał", "Piotr", "Tomasz",
            "Adam", "Paweł", "Marek", "Krzysztof", "Łukasz", "Petr", "Lukáš", "Ondřej", "Bence", "Máté",
        ),
        (
            "Zuzanna", "Julia", "Maja", "Zofia", "Hanna", "Lena", "Alicja", "Oliwia", "Natalia", "Aleksandra",
            "Magdalena", "Katarzyna", "Agnieszka", "Ewa", "Joanna", "Tereza", "Eliška", "Veronika", "Anna", "Eszter",
        ),
        (
            "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
            "Woźniak", "Dąbrowski", "Mazur", "Krawczyk", "Zając", "Król", "Wieczorek", "Wróbel", "Pawlak",
            "Michalak", "Sikora", "Baran", "Duda", "Szewczyk", "Kaczmarek", "Tóth", "Szabó", "Horváth", "Varga",
            "Kiss", "Molnár", "Németh", "Farkas", "Balogh", "Papp", "Takács",
        ),
    ),
    "ru": (
        (
            "Alexander", "Dmitry", "Maxim", "Ivan", "Artem", "Nikita", "Mikhail", "Sergey", "Andrey", "Alexey",
            "Pavel", "Roman", "Oleg", "Igor", "Yuri", "Kirill", "Vladimir", "Denis", "Egor", "Timur",
        ),
        (
            "Anastasia", "Maria", "Anna", "Daria", "Elena", "Olga", "Natalia", "Tatiana", "Irina", "Ekaterina",
            "Svetlana", "Yulia", "Ksenia", "Polina", "Sofia", "Alina", "Vera", "Marina", "Oksana", "Victoria",
        ),
        (
            "Ivanov", "Smirnov", "Kuznetsov", "Popov", "Vasilyev", "Petrov", "Sokolov", "Mikhailov", "Novikov",
            "Fedorov", "Morozov", "Volkov", "Alekseev", "Lebedev", "Semenov", "Egorov", "Pavlov", "Kozlov",
            "Stepanov", "Nikolaev", "Orlov", "Andreev", "Makarov", "Nikitin", "Zakharov", "Zaitsev", "Solovyov",
            "Borisov", "Yakovlev", "Grigoriev", "Romanov", "Vorobyov",
        ),
    ),
    "tr": (
        (
            "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "Emre", "Burak", "Murat", "Can",
            "Eren", "Yusuf", "Kerem", "Arda", "Ömer", "Oğuz", "Serkan", "Onur", "Cem",
        ),
        (
            "Ayşe", "Fatma", "Zeynep", "Elif", "Emine", "Merve", "Esra", "Selin", "Deniz", "Ece", "Büşra",
            "Derya", "Gizem", "Aslı", "Ebru", "Seda", "Melis", "Defne", "Nazlı", "İrem",
        ),
        (
            "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
            "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek", "Polat",
            "Korkmaz", "Aktaş", "Güneş", "Kaplan", "Bulut", "Tekin", "Avcı", "Özer",
        ),
    ),
    "ar": (
        (
            "Mohammed", "Ahmed", "Omar", "Ali", "Youssef", "Khaled", "Hassan", "Ibrahim", "Mahmoud", "Karim",
            "Tarek", "Samir", "Nabil", "Rami", "Fadi", "Ziad", "Hamza", "Bilal", "Amir", "Walid",
        ),
        (
            "Fatima", "Aisha", "Mariam", "Layla", "Nour", "Sara", "Huda", "Rania", "Yasmin", "Salma", "Hana",
            "Dina", "Amira", "Leila", "Zainab", "Mona", "Reem", "Lina", "Farah", "Noura",
        ),
        (
            "Haddad", "Khalil", "Nasser", "Hussein", "Mansour", "Saleh", "Aziz", "Farouk", "Hamdan", "Qasim",
            "Rahman", "Karam", "Sabbagh", "Darwish", "Najjar", "Shami", "Masri", "Hakim", "Bakr", "Suleiman",
            "Tamimi", "Jaber", "Issa", "Rashid", "Zayed", "Ammar", "Saad", "Yassin", "Khoury", "Benali",
        ),
    ),
    "in": (
        (
            "Aarav", "Vivaan", "Aditya", "Arjun", "Rohan", "Rahul", "Vikram", "Karan", "Siddharth", "Amit", "Raj",
            "Sanjay", "Nikhil", "Varun", "Ishaan", "Kabir", "Dev", "Anil", "Suresh", "Manish",
        ),
        (
            "Ananya", "Priya", "Diya", "Aanya", "Isha", "Kavya", "Neha", "Pooja", "Riya", "Sneha", "Aditi",
            "Meera", "Nisha", "Divya", "Anjali", "Lakshmi", "Shreya", "Tanvi", "Sunita", "Kiran",
        ),
        (
            "Sharma", "Verma", "Gupta", "Singh", "Kumar", "Patel", "Shah", "Mehta", "Iyer", "Reddy", "Nair",
            "Rao", "Joshi", "Das", "Chatterjee", "Banerjee", "Mukherjee", "Agarwal", "Bose", "Kapoor",
            "Malhotra", "Chopra", "Menon", "Pillai", "Desai", "Kulkarni", "Jain", "Bhat", "Saxena", "Mishra",
            "Khan", "Ahmed",
        ),
    ),
    "zh": (
        (
            "Wei", "Jun", "Hao", "Lei", "Jie", "Tao", "Ming", "Yang", "Bo", "Peng", "Qiang", "Long", "Feng",
            "Kai", "Rui", "Zhen", "Hui", "Xin", "Yong", "Jian",
        ),
        (
            "Na", "Fang", "Jing", "Ying", "Xiu", "Mei", "Lan", "Yan", "Ting", "Xiao", "Hua", "Qian", "Yue",
            "Lin", "Jia", "Yi", "Shu", "Wen", "Ling", "Min",
        ),
        (
            "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
            "Zhu", "Hu", "Guo", "He", "Gao", "Lin", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han",
            "Feng", "Deng", "Cao", "Peng",
        ),
    ),
    "ja": (
        (
            "Haruto", "Sota", "Yuto", "Riku", "Hinata", "Ren", "Yuki", "Kaito", "Takumi", "Daiki", "Kenta",
            "Shota", "Ryo", "Hiroshi", "Takeshi", "Kenji", "Satoshi", "Naoki", "Kazuki", "Taro",
        ),
        (
            "Yui", "Hina", "Aoi", "Sakura", "Yuna", "Mio", "Rin", "Saki", "Misaki", "Nanami", "Haruka", "Ayaka",
            "Miyu", "Akari", "Emi", "Yoko", "Keiko", "Naomi", "Mai", "Kana",
        ),
        (
            "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi",
            "Kato", "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi",
            "Shimizu", "Yamazaki", "Mori", "Abe", "Ikeda", "Hashimoto", "Ishikawa", "Maeda", "Fujita", "Ogawa",
        ),
    ),
    "ko": (
        (
            "Min-jun", "Seo-jun", "Do-yun", "Ji-ho", "Ha-jun", "Joon-ho", "Hyun-woo", "Sung-min", "Jae-won",
            "Dong-hyun", "Tae-yang", "Woo-jin",
        ),
        (
            "Seo-yeon", "Ji-woo", "Ha-eun", "Min-seo", "Soo-ah", "Yoon-seo", "Ji-min", "Eun-ji", "Hye-jin",
            "Su-bin", "Da-eun", "Yu-na",
        ),
        (
            "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo",
            "Shin", "Kwon", "Hwang", "Ahn", "Song", "Jeon", "Hong",
        ),
    ),
    "id": (
        ("Budi", "Agus", "Andi", "Dedi", "Eko", "Rizki", "Fajar", "Hendra", "Joko", "Wahyu", "Arif", "Bayu"),
        ("Siti", "Dewi", "Sri", "Putri", "Ayu", "Rina", "Indah", "Wulan", "Fitri", "Nur", "Ratna", "Lestari"),
        (
            "Santoso", "Wijaya", "Saputra", "Hidayat", "Pratama", "Kusuma", "Setiawan", "Nugroho", "Wibowo",
            "Susanto", "Halim", "Gunawan", "Hartono", "Utomo", "Rahman", "Abdullah", "Ismail", "Tan",
        ),
    ),
    "vi": (
        ("Minh", "Anh", "Duc", "Hung", "Tuan", "Long", "Nam", "Quang", "Huy", "Khoa", "Bao", "Phuc"),
        ("Linh", "Trang", "Huong", "Lan", "Mai", "Thu", "Ngoc", "Thao", "Hoa", "Vy", "Chi", "My"),
        ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Huynh", "Phan", "Vu", "Vo", "Dang", "Bui", "Do", "Ho", "Ngo"),
    ),
    "th": (
        ("Somchai", "Anan", "Chai", "Kittisak", "Prasert", "Niran", "Wichai", "Thanawat", "Krit", "Arthit"),
        ("Siriporn", "Malee", "Ploy", "Kanya", "Pim", "Suda", "Ratana", "Lamai", "Achara", "Nok"),
        (
            "Srisai", "Wongsa", "Chaiyaporn", "Suksawat", "Thongchai", "Rattanakorn", "Saetang", "Kaewmanee",
            "Boonmee", "Phromma", "Charoen", "Sombat",
        ),
    ),
}

# Where travellers come from: name group -> weight (guests are drawn from this mix).
GUEST_ORIGINS: dict[str, int] = {
    "en": 34, "de": 10, "fr": 10, "es": 8, "it": 6, "nl": 4, "pt": 5, "nordic": 4, "pl": 3, "ru": 2,
    "tr": 2, "ar": 2, "in": 3, "zh": 3, "ja": 2, "ko": 1, "id": 1,
}

# Language code (first of a country's list in geonames) -> name group.
LANGUAGE_NAME_GROUP: dict[str, str] = {
    "en": "en", "fr": "fr", "de": "de", "es": "es", "it": "it", "pt": "pt", "nl": "nl",
    "sv": "nordic", "no": "nordic", "nb": "nordic", "nn": "nordic", "da": "nordic", "fi": "nordic", "is": "nordic",
    "pl": "pl", "cs": "pl", "sk": "pl", "hu": "pl",
    "ru": "ru", "uk": "ru", "be": "ru", "kk": "ru",
    "tr": "tr", "az": "tr",
    "ar": "ar", "fa": "ar",
    "hi": "in", "bn": "in", "ur": "in", "ta": "in", "te": "in", "mr": "in", "pa": "in", "ne": "in",
    "zh": "zh", "cmn": "zh",
    "ja": "ja", "ko": "ko",
    "id": "id", "ms": "id",
    "vi": "vi", "th": "th",
    "tl": "es", "fil": "es",
}
# Countries whose first listed language is not the one most people's names come from.
COUNTRY_NAME_GROUP: dict[str, str] = {"IN": "in", "PK": "in", "BE": "nl", "CH": "de", "PH": "es", "SG": "zh"}

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "sv": "Swedish", "no": "Norwegian", "nb": "Norwegian", "da": "Danish", "fi": "Finnish",
    "is": "Icelandic", "pl": "Polish", "cs": "Czech", "sk": "Slovak", "hu": "Hungarian", "ru": "Russian",
    "uk": "Ukrainian", "tr": "Turkish", "ar": "Arabic", "fa": "Persian", "hi": "Hindi", "bn": "Bengali",
    "ur": "Urdu", "zh": "Chinese", "cmn": "Chinese", "ja": "Japanese", "ko": "Korean", "id": "Indonesian",
    "ms": "Malay", "vi": "Vietnamese", "th": "Thai", "el": "Greek", "he": "Hebrew", "ro": "Romanian",
    "hr": "Croatian", "sr": "Serbian", "bg": "Bulgarian", "tl": "Filipino", "sw": "Swahili",
}

HOST_ABOUT: tuple[str, ...] = (
    "Hi, I'm {first}! I love meeting travellers and sharing my favourite spots in {city}.",
    "{first} here. I have lived in {city} most of my life and enjoy helping guests feel at home.",
    "Designer, coffee lover and host in {city}. Ask me anything about the neighbourhood.",
    "We are a small family business looking after homes in and around {city}.",
    "I travel a lot myself, so I know what makes a stay easy. Welcome to {city}!",
    "Retired teacher, keen gardener and proud host in {city}.",
    "Local guide by day, host by night. I will happily share tips for {city}.",
)

# --- places ------------------------------------------------------------------
# The first entry is the centre of town; the rest are spread around it.
NEIGHBOURHOODS: dict[str, tuple[str, ...]] = {
    "en": (
        "Old Town", "Riverside", "Harbourside", "University Quarter", "Market District", "Station Quarter",
        "Hillside", "Parkside", "Cathedral Quarter", "Arts District", "Garden District", "Lakeside", "West End",
        "Northgate", "Eastside", "Southbank", "Canal Quarter", "Castle Hill", "Green Park", "Victoria Heights",
        "Mill Town", "Old Port", "Chapel Fields", "Kings Cross", "Meadowbank",
    ),
    "fr": (
        "Vieux Centre", "Centre-Ville", "Quartier Latin", "Les Halles", "Saint-Michel", "Bellevue", "La Gare",
        "Les Quais", "Montplaisir", "Le Port", "Saint-Pierre", "La Croix-Rousse", "Les Chartrons", "Le Marais",
        "Saint-Jean", "Les Capucins", "La Butte", "Beaulieu", "Les Brotteaux", "Saint-Paul", "Le Panier",
    ),
    "de": (
        "Altstadt", "Neustadt", "Innenstadt", "Bahnhofsviertel", "Westend", "Südstadt", "Nordstadt",
        "Schlossviertel", "Hafen", "Am Markt", "Lindenau", "Kreuzviertel", "Oststadt", "Musikerviertel",
        "Domviertel", "Universitätsviertel", "Gartenstadt", "Am See", "Weststadt", "Rosenhöhe",
    ),
    "es": (
        "Centro Histórico", "Casco Antiguo", "El Barrio", "La Latina", "San Juan", "Santa Cruz", "El Puerto",
        "La Estación", "Barrio Alto", "Los Jardines", "Las Flores", "El Carmen", "San Antonio", "La Merced",
        "Triana", "El Ensanche", "La Alameda", "San Francisco", "Las Palmas", "Villa Nueva",
    ),
    "it": (
        "Centro Storico", "San Lorenzo", "Borgo Vecchio", "Porta Nuova", "Il Porto", "Santa Croce",
        "San Niccolò", "Borgo San Frediano", "Città Alta", "La Marina", "San Giovanni", "Santo Spirito",
        "Monti", "Brera", "Porta Romana", "Navigli", "Il Lungomare", "San Martino", "Campo Marzio",
    ),
    "pt": (
        "Centro Histórico", "Baixa", "Bairro Alto", "Ribeira", "Vila Nova", "Boa Vista", "Jardim Botânico",
        "Santa Teresa", "Alfama", "Cidade Baixa", "Graça", "Campo Grande", "São Bento", "Lapa", "Praia",
        "Vila Madalena", "Bela Vista", "Santo Amaro",
    ),
    "nl": (
        "Binnenstad", "Oude Centrum", "Jordaan", "De Pijp", "Havenkwartier", "Stationsbuurt", "Museumkwartier",
        "Oosterpark", "Westerpark", "Noord", "Zuid", "Rivierenbuurt", "Grachtengordel", "Vondelbuurt",
        "Kanaleneiland", "Schildersbuurt",
    ),
}

STREETS: dict[str, tuple[str, tuple[str, ...]]] = {
    # group: (template with {n} and {street}, street names)
    "en": (
        "{n} {street}",
        (
            "Oak Street", "Maple Avenue", "Church Road", "High Street", "Station Road", "Park Lane", "Mill Lane",
            "King Street", "Queen Street", "Victoria Road", "Elm Street", "Bridge Street", "Market Street",
            "Castle Street", "River Road", "Garden Avenue", "Main Street", "Chestnut Avenue",
        ),
    ),
    "fr": (
        "{n} {street}",
        (
            "rue de la Paix", "rue Victor Hugo", "rue du Moulin", "rue des Lilas", "rue Saint-Jacques",
            "avenue de la République", "rue Pasteur", "boulevard Jean Jaurès", "rue du Marché", "rue des Écoles",
            "place de l'Église", "quai des Fleurs",
        ),
    ),
    "de": (
        "{street} {n}",
        (
            "Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße", "Goethestraße", "Lindenallee",
            "Kirchgasse", "Marktplatz", "Bergstraße", "Mühlenweg", "Rosenstraße", "Am Hafen",
        ),
    ),
    "es": (
        "{street}, {n}",
        (
            "Calle Mayor", "Calle Real", "Calle del Sol", "Calle de la Paz", "Calle San Miguel", "Calle Nueva",
            "Calle del Carmen", "Avenida de la Constitución", "Plaza Mayor", "Calle de la Iglesia",
        ),
    ),
    "it": (
        "{street}, {n}",
        (
            "Via Roma", "Via Garibaldi", "Via Mazzini", "Via Dante", "Via Cavour", "Via Verdi",
            "Via della Repubblica", "Corso Vittorio Emanuele", "Via XX Settembre", "Via Manzoni",
        ),
    ),
    "pt": (
        "{street}, {n}",
        (
            "Rua das Flores", "Rua Augusta", "Rua do Comércio", "Avenida da Liberdade", "Rua São João",
            "Rua Direita", "Rua Nova", "Rua do Carmo", "Rua da Prata", "Avenida Paulista",
        ),
    ),
    "nl": (
        "{street} {n}",
        (
            "Kerkstraat", "Molenweg", "Dorpsstraat", "Stationsweg", "Herengracht", "Marktplein", "Schoolstraat",
            "Julianalaan", "Beatrixstraat", "Prinsengracht",
        ),
    ),
}

# --- listings ----------------------------------------------------------------
ADJECTIVES: tuple[str, ...] = (
    "Sunny", "Bright", "Cosy", "Charming", "Modern", "Stylish", "Spacious", "Quiet", "Elegant", "Airy",
    "Peaceful", "Light-filled", "Lovely", "Rustic", "Designer", "Renovated", "Central", "Hidden", "Chic",
    "Warm", "Serene", "Classic", "Boho", "Minimalist", "Historic", "Cheerful", "Comfortable", "Delightful",
)

# property type -> nouns used in titles and descriptions
NOUNS: dict[str, tuple[str, ...]] = {
    "apartment": ("apartment", "flat", "apartment"),
    "house": ("house", "family home", "home"),
    "cabin": ("cabin", "log cabin", "A-frame cabin"),
    "villa": ("villa", "villa with terrace"),
    "loft": ("loft", "warehouse loft"),
    "cottage": ("cottage", "stone cottage"),
    "townhouse": ("townhouse", "terraced house"),
    "guesthouse": ("guesthouse", "guest suite"),
}
STUDIO_NOUN = "studio"

# Title endings. "{hood}" is replaced by the neighbourhood name.
PLACE_PHRASES: tuple[str, ...] = (
    "near the old town",
    "close to the centre",
    "in {hood}",
    "in the heart of {hood}",
    "steps from the station",
    "near the park",
    "on a quiet street",
    "near cafés and shops",
    "with a view",
    "by the river",
)
# amenity -> title ending, used when the listing has it.
FEATURE_PHRASES: dict[str, str] = {
    "pool": "with pool",
    "balcony": "with balcony",
    "garden": "with garden",
    "city-view": "with city views",
    "hot-tub": "with hot tub",
    "fireplace": "with fireplace",
    "beachfront": "on the beach",
    "waterfront": "on the waterfront",
    "ski-in-out": "next to the slopes",
    "workspace": "with workspace",
    "free-parking": "with free parking",
}

INTROS: dict[str, tuple[str, ...]] = {
    "entire": (
        "Welcome to our {adj} {noun} in {hood}, {city}.",
        "Make yourself at home in this {adj} {noun} in {hood}.",
        "Our {adj} {noun} is a calm base for exploring {city}.",
        "This {adj} {noun} in {hood} has everything you need for a relaxed stay.",
    ),
    "private": (
        "A {adj} private room in our {noun} in {hood}, {city}.",
        "Stay in a {adj} private room with your own key, in a {noun} in {hood}.",
        "Your own {adj} room in a shared {noun}, a short walk from the best of {hood}.",
    ),
    "shared": (
        "A bed in a {adj} shared room, perfect for travellers on a budget in {city}.",
        "Meet other travellers in this {adj} shared room in {hood}.",
    ),
}
FEATURE_SENTENCES: dict[str, str] = {
    "wifi": "Fast wifi throughout.",
    "workspace": "There is a dedicated workspace for remote work.",
    "kitchen": "The fully equipped kitchen has everything you need to cook.",
    "pool": "Spend lazy afternoons by the pool.",
    "balcony": "Enjoy your morning coffee on the balcony.",
    "garden": "The garden is perfect for summer evenings.",
    "fireplace": "Curl up by the fireplace on cooler nights.",
    "hot-tub": "Unwind in the hot tub after a day out.",
    "free-parking": "Free parking is available on the premises.",
    "self-check-in": "Self check-in makes arriving late easy.",
    "pets-allowed": "Well-behaved pets are welcome.",
    "beachfront": "The beach is right outside the door.",
    "city-view": "The windows look out over the city skyline.",
    "air-conditioning": "Air conditioning keeps things cool in summer.",
    "washer": "There is a washing machine for longer stays.",
    "bbq-grill": "Fire up the barbecue for dinner outside.",
    "elevator": "The building has a lift.",
    "breakfast": "A simple breakfast is included.",
}
AREA_THINGS: tuple[str, ...] = (
    "cafés and bakeries",
    "markets and small shops",
    "parks and quiet streets",
    "restaurants and nightlife",
    "museums and galleries",
    "riverside walks",
    "street food and bars",
    "green spaces and playgrounds",
)
AREA_SENTENCES: tuple[str, ...] = (
    "{hood} is known for its {things}, and the centre of {city} is {minutes} minutes away.",
    "Around the corner you will find {things}; public transport gets you anywhere in {city} in {minutes} minutes.",
    "The neighbourhood is full of {things}.",
)
CLOSINGS: tuple[str, ...] = (
    "We look forward to hosting you!",
    "Happy to share tips for exploring {city}.",
    "Please note: no parties or events.",
    "Message us with any questions before you book.",
)
HOUSE_RULES: tuple[tuple[str, ...], ...] = (
    ("No smoking", "No parties or events", "Quiet hours after 10 pm"),
    ("No smoking indoors", "Please take your shoes off inside"),
    ("No parties", "Pets only by arrangement", "Please separate the recycling"),
    ("Quiet hours 11 pm to 7 am", "No unregistered guests"),
    ("No smoking", "Please turn off the lights and heating when you leave"),
)

PHOTO_CAPTIONS: dict[str, tuple[str, ...]] = {
    "exterior": ("Outside", "Front of the {noun}", "The {noun} from the street", "Exterior"),
    "living-room": ("Living room", "Lounge", "Living area"),
    "bedroom": ("Bedroom", "Main bedroom", "Second bedroom", "Your room"),
    "kitchen": ("Kitchen", "Fully equipped kitchen", "Kitchen and dining"),
}

# --- reviews -----------------------------------------------------------------
STAY_REVIEWS: dict[str, tuple[str, ...]] = {
    "good": (
        "Wonderful stay, {host} was a great host.",
        "The place was spotless and exactly as described.",
        "Great location in {city}, close to everything.",
        "Would definitely stay again!",
        "Very comfortable bed and a quiet neighbourhood.",
        "Check-in was easy and {host} answered quickly.",
        "Lots of light and very well equipped.",
        "Perfect base for exploring {city}.",
        "Even nicer than the photos.",
        "Thanks {host} for the local tips!",
    ),
    "mixed": (
        "The location was good but it was a bit noisy at night.",
        "Decent stay overall, although the kitchen could use more equipment.",
        "Fine for a short stay; the photos make it look bigger than it is.",
        "Check-in took a while, but {host} was helpful.",
        "Nice area, the bathroom needs some love.",
    ),
    "bad": (
        "Unfortunately the place was not very clean when we arrived.",
        "Not as described, and communication was slow.",
        "The heating did not work and it took a day to get fixed.",
    ),
}
GUEST_REVIEWS: dict[str, tuple[str, ...]] = {
    "good": (
        "{guest} was a great guest, welcome back anytime!",
        "Clean, respectful and easy to communicate with. Highly recommended.",
        "{guest} left the place spotless. Thank you!",
        "Followed the house rules and communicated clearly.",
        "A pleasure to host {guest}.",
    ),
    "mixed": (
        "{guest} was fine, though check-out was late.",
        "Mostly fine; a few house rules were not followed.",
    ),
    "bad": ("Unfortunately the house rules were not respected.",),
}
# fmt: on

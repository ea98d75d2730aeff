/// Name lists for synthetic people. Common given and family names combined at random, plus a
/// share of invented ones: any resemblance to a real person is coincidence.
enum ForceNames {
    static let male: [String] = [
        "James", "John", "Robert", "Michael", "David", "William", "Richard", "Joseph", "Thomas", "Daniel",
        "Paul", "Mark", "Steven", "Andrew", "Kevin", "Brian", "George", "Edward", "Ryan", "Jason",
        "Gary", "Jacob", "Nicholas", "Eric", "Stephen", "Jonathan", "Scott", "Justin", "Brandon", "Benjamin",
        "Samuel", "Gregory", "Alexander", "Patrick", "Jack", "Dennis", "Peter", "Adam", "Nathan", "Harry",
        "Oliver", "Charlie", "Callum", "Connor", "Liam", "Luke", "Kieran", "Jamie", "Lee", "Craig",
        "Darren", "Dean", "Wayne", "Shane", "Neil", "Stuart", "Martin", "Simon", "Carl", "Dale",
        "Ross", "Aaron", "Jordan", "Reece", "Tyler", "Kyle", "Lewis", "Josh", "Ben", "Sam",
        "Tom", "Alfie", "Archie", "Ethan", "Mason", "Owen", "Rhys", "Aidan", "Declan", "Sean",
        "Mohammed", "Ahmed", "Ali", "Imran", "Tariq", "Bilal", "Hassan", "Omar", "Kwame", "Kofi",
        "Tomasz", "Piotr", "Marek", "Andrei", "Florin", "Mihai", "Luis", "Marco", "Dario", "Nikolai",
        "Branwell", "Corvin", "Dorran", "Elric", "Faolan", "Garrick", "Hollis", "Idris", "Jory", "Kestrel",
        "Lorcan", "Madoc", "Nevan", "Orrin", "Peregrin", "Quill", "Rowan", "Soren", "Tamsin", "Ulric",
    ]

    static let female: [String] = [
        "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
        "Nancy", "Lisa", "Margaret", "Sandra", "Ashley", "Emily", "Michelle", "Amanda", "Melissa", "Deborah",
        "Stephanie", "Rebecca", "Laura", "Helen", "Amy", "Anna", "Emma", "Nicola", "Rachel", "Claire",
        "Joanne", "Kelly", "Leanne", "Gemma", "Hayley", "Natalie", "Danielle", "Stacey", "Kerry", "Donna",
        "Tracey", "Julie", "Louise", "Victoria", "Charlotte", "Sophie", "Chloe", "Lauren", "Jade", "Amber",
        "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Lily", "Freya", "Ella", "Poppy",
        "Holly", "Megan", "Zoe", "Katie", "Abbie", "Shannon", "Courtney", "Bethany", "Paige", "Kayleigh",
        "Fatima", "Aisha", "Zainab", "Ayesha", "Amina", "Priya", "Anjali", "Grace", "Abena", "Ama",
        "Agnieszka", "Katarzyna", "Magdalena", "Ioana", "Elena", "Maria", "Sofia", "Lucia", "Chiara", "Irina",
        "Ailsa", "Briony", "Celandine", "Delphine", "Elowen", "Fenella", "Gwendolen", "Hesper", "Isolde", "Jessamy",
        "Kerensa", "Linnet", "Morwenna", "Nerys", "Oriel", "Perpetua", "Rosamund", "Sabra", "Tegan", "Wenna",
    ]

    static let neutral: [String] = [
        "Alex", "Sam", "Jo", "Charlie", "Jordan", "Robin", "Casey", "Morgan", "Riley", "Jamie",
        "Ash", "Frankie", "Kit", "Rowan", "Sky", "Remy", "Ellis", "Quinn", "Sasha", "Drew",
    ]

    static let family: [String] = [
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
        "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
        "Patel", "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell", "Rose", "Davis", "Rodriguez",
        "Cox", "Alexander", "Morgan", "Moore", "Martin", "Price", "Clark", "Turner", "Harris", "Cooper",
        "King", "Lee", "Baker", "Harrison", "Morris", "Ward", "Young", "Allen", "Hughes", "Edwards",
        "Hill", "Scott", "Adams", "Campbell", "Anderson", "Stewart", "Bell", "Murphy", "Kelly", "Bailey",
        "Collins", "Parker", "Richardson", "Watson", "Brooks", "Chapman", "Gray", "Shaw", "Lloyd", "Ellis",
        "Marshall", "Hunt", "Palmer", "Mills", "Owen", "Knight", "Reid", "Fox", "Butler", "Barnes",
        "Kaur", "Singh", "Begum", "Hussain", "Ahmed", "Ali", "Rahman", "Akhtar", "Mensah", "Okafor",
        "Nowak", "Kowalski", "Wisniewski", "Popescu", "Ionescu", "Rossi", "Ferreira", "Silva", "O'Brien", "O'Neill",
        "MacDonald", "McLean", "Fraser", "Sinclair", "Douglas", "Gallagher", "Doherty", "Quinn", "Byrne", "Walsh",
        "Ashdown", "Blackthorn", "Brackenbury", "Coldwell", "Dunmore", "Elderfield", "Fallowfield", "Greywater", "Hartwell", "Ingleby",
        "Juniper", "Kettlewell", "Larkspur", "Marchbank", "Netherby", "Oakenshaw", "Pennyfeather", "Quarrington", "Ravensworth", "Saltmarsh",
        "Thistlewood", "Underhill", "Vantage", "Whitlock", "Yarrow", "Ambleside", "Birchall", "Cragside", "Dovecote", "Eastwick",
        "Farrowdale", "Gildersleeve", "Hollowell", "Ivesby", "Kingsmere", "Loxley", "Mossop", "Norcliffe", "Outhwaite", "Pickersgill",
        "Ramsbottom", "Stonehouse", "Tillotson", "Upjohn", "Wetherall", "Ackroyd", "Bramall", "Cusworth", "Dransfield", "Entwistle",
        "Fothergill", "Greenhalgh", "Haworth", "Illingworth", "Jagger", "Kershaw", "Lumb", "Micklethwaite", "Nuttall", "Ormerod",
        "Pilling", "Rushworth", "Sutcliffe", "Thackray", "Uttley", "Varley", "Womersley", "Yeadon", "Zorzi", "Bellweather",
        "Calloway", "Dunstable", "Everleigh", "Fairbairn", "Gatward", "Hebblethwaite", "Inchbald", "Jowett", "Kitchingman", "Lightowler",
    ]

    /// Fictional streets and places for order conditions and notes.
    static let places: [String] = [
        "Acorn Road", "Beech Crescent", "Cinder Lane", "Dovecote Way", "Elm Terrace", "Foxglove Close",
        "Gorse Avenue", "Heron Walk", "Ivy Court", "Juniper Row", "Kestrel Drive", "Larch Street",
        "Millpond Road", "Nettle Bank", "Orchard View", "Pinfold Lane", "Quarry Hill", "Rookery Street",
        "Saltings Way", "Tanyard Close",
    ]

    static let towns: [String] = [
        "Ashby Cross", "Brackenford", "Coldharbour", "Dunmere", "Eastwater", "Fernley", "Greyholme", "Hollinsend",
    ]
}

#include "rung/gen/names.hpp"

#include "rung/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <span>
#include <utility>

namespace rung {

namespace {

// ---- embedded word lists ----------------------------------------------------------------------

/// NameStyle::words: concrete, common, neutral nouns (objects, animals, places, weather, food,
/// tools, plants, materials), lower case, sorted.
constexpr std::string_view kNouns[] = {
    "acorn", "airplane", "airport", "almond", "anchor", "anvil", "apple", "apricot", "apron",
    "aquarium", "armchair", "attic", "avocado", "axe",
    "backpack", "badger", "bakery", "balcony", "balloon", "bamboo", "banana", "banjo", "barn",
    "barrel", "basket", "bathtub", "battery", "beach", "beaker", "bear", "bee", "beetle", "bell",
    "belt", "bench", "berry", "bicycle", "biscuit", "blanket", "blender", "blizzard", "boat",
    "bolt", "bonnet", "book", "boot", "bottle", "boulder", "bowl", "box", "bracelet", "branch",
    "bread", "breeze", "brick", "bridge", "broccoli", "broom", "bubble", "bucket", "buffalo",
    "bulb", "bus", "butter", "butterfly", "button",
    "cabbage", "cabin", "cable", "cactus", "cake", "camel", "camera", "candle", "canoe", "canyon",
    "cape", "carpet", "carrot", "cart", "castle", "cave", "cellar", "chair", "chalk", "cheese",
    "cherry", "chimney", "chisel", "clam", "clay", "cliff", "clock", "cloud", "coat", "coconut",
    "coin", "comb", "comet", "compass", "cookie", "copper", "coral", "corn", "cottage", "cotton",
    "crab", "crane", "crayon", "creek", "cricket", "crow", "crystal", "cucumber", "cup",
    "cupboard", "curtain", "cushion",
    "daisy", "deer", "desert", "desk", "dew", "dolphin", "donkey", "door", "dove", "dragonfly",
    "drawer", "drill", "drizzle", "drum", "duck", "dune",
    "eagle", "easel", "eel", "egg", "elephant", "elk", "envelope", "eraser",
    "falcon", "fan", "farm", "feather", "fence", "fern", "ferry", "field", "fig", "finch", "fish",
    "flag", "flame", "flask", "flood", "flower", "flute", "fog", "forest", "fork", "fountain",
    "fox", "frog", "frost", "funnel",
    "garage", "garden", "garlic", "gate", "gecko", "giraffe", "glacier", "glass", "globe", "glove",
    "goat", "goose", "grape", "grass", "grasshopper", "guitar", "gull",
    "hail", "hammer", "hammock", "hamster", "harbor", "harp", "hat", "hawk", "hay", "hazelnut",
    "hedge", "hedgehog", "helmet", "heron", "hill", "hippo", "honey", "hook", "horse", "hose",
    "hut",
    "ice", "iceberg", "igloo", "island", "ivy",
    "jacket", "jar", "jellyfish", "jug",
    "kangaroo", "kayak", "kettle", "key", "kite", "kitten", "kiwi", "koala",
    "ladder", "ladle", "lagoon", "lake", "lamp", "lantern", "lawn", "leaf", "lemon", "lens",
    "leopard", "lettuce", "lever", "library", "lighthouse", "lily", "lime", "lion", "lizard",
    "llama", "lobster", "lock", "log",
    "magnet", "mango", "map", "maple", "marble", "market", "marsh", "meadow", "melon",
    "microscope", "mill", "mirror", "mist", "mitten", "mole", "moose", "moss", "moth", "mountain",
    "mouse", "muffin", "mug", "mushroom",
    "napkin", "necklace", "needle", "nest", "net", "newt", "notebook", "nut",
    "oak", "oar", "ocean", "octopus", "olive", "onion", "orange", "orchard", "ostrich", "otter",
    "oven", "owl", "ox", "oyster",
    "paddle", "pancake", "panda", "parrot", "pasta", "peach", "peacock", "peanut", "pear",
    "pebble", "pelican", "pencil", "penguin", "pepper", "piano", "pickle", "pillow", "pine",
    "pineapple", "plate", "plum", "pond", "pony", "porch", "pot", "potato", "pretzel", "puffin",
    "pumpkin",
    "quilt",
    "rabbit", "raccoon", "radio", "radish", "raft", "rain", "rainbow", "raisin", "rake", "raven",
    "reef", "ribbon", "rice", "river", "road", "robin", "rocket", "rope", "rose", "rug", "ruler",
    "saddle", "sail", "salad", "salmon", "sand", "sandal", "saucer", "saw", "scarf", "scissors",
    "seal", "seed", "shark", "sheep", "shelf", "shell", "ship", "shovel", "shrimp", "sled",
    "sleet", "slipper", "snail", "snow", "soap", "sock", "sofa", "sparrow", "spider", "spinach",
    "sponge", "spoon", "squirrel", "stamp", "starfish", "statue", "stool", "storm", "stove",
    "strawberry", "stream", "sunflower", "swamp", "swan", "sweater",
    "table", "teapot", "telescope", "tent", "thimble", "thunder", "tiger", "toad", "toaster",
    "tomato", "tortoise", "towel", "tower", "tractor", "train", "tray", "tree", "trout", "trumpet",
    "tulip", "tunnel", "turnip", "turtle",
    "umbrella",
    "valley", "vase", "vest", "village", "violin", "volcano",
    "wagon", "walnut", "walrus", "wardrobe", "waterfall", "wheel", "whistle", "willow", "window",
    "wolf", "wombat", "wool", "wrench",
    "yacht", "yak", "yogurt",
    "zebra",
};

/// Common English words that nonsense names must avoid (lower case, sorted). english_words()
/// is this list merged with kNouns.
constexpr std::string_view kEnglish[] = {
    "a", "able", "about", "above", "absent", "absolute", "abstract", "absurd", "academic",
    "accept", "accident", "account", "accurate", "acid", "acoustic", "across", "act", "action",
    "active", "activity", "actor", "actual", "actually", "acute", "add", "address", "adequate",
    "admire", "admit", "adopt", "adore", "adult", "advance", "advanced", "adverse", "advice",
    "aerial", "affect", "afford", "afloat", "afraid", "after", "afternoon", "again", "against",
    "age", "aged", "agency", "agent", "aggressive", "agile", "ago", "agree", "agreement", "ahead",
    "aid", "aim", "air", "aisle", "alarm", "album", "alert", "alike", "alive", "all", "allergy",
    "alley", "allow", "ally", "almost", "alone", "along", "alpha", "already", "also", "alter",
    "although", "always", "amazing", "amber", "among", "amount", "amuse", "ancient", "and",
    "angel", "anger", "angle", "angry", "animal", "animate", "ankle", "announce", "annoy",
    "annual", "another", "answer", "antique", "anxiety", "anxious", "any", "anybody", "anyone",
    "anything", "anyway", "anywhere", "apart", "apology", "apparent", "appeal", "appear",
    "appetite", "applause", "appliance", "apply", "appoint", "approach", "approve", "april",
    "arch", "archive", "area", "arena", "argue", "argument", "arise", "arm", "armor", "army",
    "aroma", "around", "arrange", "arrest", "arrive", "arrow", "art", "article", "artist", "as",
    "ash", "ashamed", "aside", "ask", "asleep", "aspect", "assault", "asset", "assist", "assume",
    "at", "athlete", "atom", "attach", "attack", "attempt", "attend", "attention", "attitude",
    "attract", "auction", "audience", "audio", "august", "aunt", "author", "autumn", "available",
    "avenue", "average", "avoid", "awake", "award", "aware", "away", "awe", "awful", "awkward",
    "axis",
    "baby", "bachelor", "back", "background", "bacon", "bad", "badge", "badly", "bag", "bake",
    "balance", "bald", "balk", "ball", "ballot", "balm", "ban", "band", "bandage", "bang", "bank",
    "banner", "banquet", "bar", "barb", "bare", "barely", "bargain", "bark", "base", "basement",
    "basic", "basin", "basis", "batch", "bath", "bathroom", "battle", "bay", "be", "beacon",
    "bead", "beam", "bean", "beard", "beast", "beat", "beautiful", "beauty", "because", "become",
    "bed", "bedroom", "beef", "beer", "before", "beg", "begin", "beginning", "behave", "behavior",
    "behind", "behold", "beige", "being", "belief", "believe", "bellow", "belly", "belong",
    "beloved", "below", "bend", "beneath", "benefit", "berm", "beside", "best", "bet", "better",
    "between", "beverage", "beyond", "bible", "bid", "big", "bike", "bilk", "bill", "billion",
    "bin", "bind", "biology", "birth", "birthday", "bit", "bite", "bitter", "bizarre", "blab",
    "black", "blade", "blame", "bland", "blank", "blast", "blaze", "bleak", "bled", "bleed",
    "blend", "bless", "blimp", "blind", "blink", "blip", "bliss", "blob", "block", "blog", "bloke",
    "blond", "blood", "bloom", "blossom", "blot", "blouse", "blow", "blue", "blunt", "blur",
    "blurb", "blush", "board", "boast", "bob", "body", "bog", "boil", "bold", "bomb", "bond",
    "bone", "bonk", "bonus", "boom", "boost", "booth", "booze", "border", "bore", "bored",
    "boring", "born", "borrow", "boss", "both", "bother", "bottom", "bounce", "bound", "bouquet",
    "bout", "bow", "boy", "bozo", "brace", "brad", "brag", "braid", "brain", "brake", "bran",
    "brand", "brass", "brat", "brave", "bravo", "braze", "break", "breakfast", "breath", "breathe",
    "bred", "breed", "brew", "bribe", "bride", "brief", "brig", "bright", "brilliant", "brim",
    "brine", "bring", "brink", "brisk", "broad", "broke", "broken", "bronze", "broth", "brother",
    "brown", "brush", "brut", "brutal", "brute", "buck", "buddy", "budget", "bug", "build",
    "building", "bulk", "bull", "bullet", "bully", "bump", "bun", "bunch", "bundle", "bunk",
    "burden", "bureau", "burger", "burn", "burst", "bury", "bush", "business", "busy", "but",
    "butcher", "buy", "buzz", "by",
    "cab", "cabinet", "cage", "calendar", "calf", "call", "calm", "came", "camp", "campaign",
    "can", "canal", "cancel", "cancer", "candy", "cane", "canvas", "cap", "capable", "capital",
    "capsule", "captain", "capture", "carbon", "card", "care", "career", "careful", "carefully",
    "cargo", "carnival", "carry", "carve", "case", "cash", "cast", "catch", "cattle", "cause",
    "cease", "cedar", "ceiling", "celebrate", "cell", "cement", "census", "cent", "center",
    "central", "century", "certain", "certainly", "chain", "challenge", "chamber", "champion",
    "chance", "change", "channel", "chant", "chaos", "chapel", "chapter", "character", "charge",
    "charity", "charm", "chart", "chase", "chat", "cheap", "cheat", "check", "cheek", "cheer",
    "cheerful", "chef", "chemical", "cherish", "chess", "chest", "chew", "chick", "chief", "child",
    "chill", "chin", "chip", "choice", "choir", "choose", "chop", "chord", "chore", "chunk",
    "church", "cider", "cigar", "cinema", "circle", "circus", "citizen", "city", "civic", "civil",
    "clack", "clad", "claim", "clamp", "clan", "clap", "clash", "clasp", "class", "classic",
    "claw", "clean", "clear", "clearly", "cleft", "clergy", "clerk", "clever", "click", "client",
    "climate", "climb", "cling", "clinic", "clink", "clip", "cloak", "clod", "clog", "clone",
    "close", "closely", "closet", "clot", "cloth", "clothes", "clove", "clown", "club", "cluck",
    "clue", "clump", "clumsy", "clunk", "cluster", "clutch", "coach", "coal", "coast", "cobra",
    "cock", "cocoa", "cod", "code", "coffee", "cog", "coil", "coke", "cold", "collapse", "collar",
    "collect", "college", "colony", "color", "colt", "column", "combat", "combine", "come",
    "comedy", "comfort", "comic", "command", "comment", "common", "community", "company",
    "compare", "compete", "complain", "complete", "complex", "compose", "concept", "concern",
    "concert", "conclude", "concrete", "condition", "conduct", "cone", "confess", "confirm",
    "conflict", "confuse", "connect", "consider", "constant", "contact", "contain", "content",
    "contest", "context", "continue", "contract", "control", "convert", "convince", "cook", "cool",
    "cop", "cope", "copy", "cord", "core", "cork", "corner", "corps", "correct", "cost", "costume",
    "cot", "couch", "cough", "could", "council", "count", "country", "county", "couple", "coupon",
    "courage", "course", "court", "cousin", "cove", "cover", "cow", "coward", "cozy", "crack",
    "cradle", "craft", "crag", "cram", "cramp", "crank", "crash", "crate", "crave", "crawl",
    "craze", "crazy", "creak", "cream", "create", "credit", "creep", "crest", "crew", "crib",
    "crime", "crimp", "crimson", "crisis", "crisp", "critic", "crock", "crone", "crook", "crop",
    "cross", "crouch", "crowd", "crown", "crucial", "crude", "cruel", "crumb", "crunch", "crush",
    "crust", "cry", "crypt", "cub", "cube", "cuff", "cull", "cult", "culture", "cunning", "curb",
    "curd", "cure", "curious", "curl", "current", "curry", "curse", "curt", "curve", "cusp",
    "custom", "customer", "cut", "cute", "cyan", "cycle", "cyclist",
    "dad", "daily", "dairy", "dam", "damage", "damp", "dance", "danger", "dangerous", "dank",
    "dare", "dark", "darn", "dart", "dash", "data", "date", "daughter", "dawn", "day", "daze",
    "dead", "deaf", "deal", "dear", "death", "debate", "debris", "debt", "decade", "decay",
    "december", "decide", "decision", "deck", "declare", "decline", "deed", "deep", "deeply",
    "defeat", "defect", "defend", "define", "defy", "degree", "delay", "delight", "deliver",
    "demand", "demo", "denial", "dense", "dental", "deny", "depend", "deposit", "depth",
    "describe", "design", "desire", "despite", "dessert", "detail", "detect", "detour", "develop",
    "device", "devil", "devote", "diamond", "diary", "dice", "die", "diesel", "diet", "differ",
    "difference", "different", "difficult", "dig", "digest", "digital", "dignity", "dim", "dine",
    "dink", "dinner", "dip", "direct", "direction", "dirk", "dirt", "dirty", "disagree",
    "disappear", "disc", "disco", "discount", "discover", "discuss", "disease", "dish", "dismiss",
    "display", "distance", "dive", "divide", "do", "dock", "doctor", "document", "dodge", "dodo",
    "dollar", "dome", "domestic", "donate", "done", "donor", "doom", "dork", "dorm", "dose", "dot",
    "double", "doubt", "dough", "down", "dozen", "drab", "draft", "drag", "drain", "drake", "dram",
    "drama", "drank", "drape", "drastic", "drat", "draw", "dread", "dream", "dreg", "dress",
    "drift", "drink", "drip", "drive", "driver", "drone", "drop", "drove", "drown", "drub", "drug",
    "drunk", "dry", "due", "duke", "dull", "dumb", "dump", "dungeon", "dunk", "duo", "durable",
    "during", "dusk", "dust", "duty", "dye", "dynamic",
    "each", "eager", "ear", "early", "earn", "earth", "ease", "easily", "east", "easy", "eat",
    "economy", "edge", "edit", "educate", "effect", "effort", "ego", "eight", "eighteen", "eighty",
    "either", "elbow", "elder", "elect", "elegant", "element", "eleven", "elite", "else", "email",
    "embrace", "emerald", "emerge", "emotion", "empire", "employ", "empty", "enable", "enact",
    "encourage", "end", "endless", "endure", "enemy", "energy", "engage", "engine", "enjoy",
    "enormous", "enough", "enroll", "ensure", "enter", "entire", "entrance", "entry",
    "environment", "envy", "epic", "equal", "equip", "era", "erase", "erode", "errand", "error",
    "erupt", "escape", "especially", "essay", "essence", "establish", "estate", "eternal",
    "ethics", "evade", "even", "evening", "event", "ever", "every", "everybody", "everyone",
    "everything", "evidence", "evil", "evoke", "evolve", "exact", "exactly", "exam", "example",
    "exceed", "excellent", "except", "excess", "exchange", "excite", "exclude", "excuse",
    "exercise", "exhale", "exhaust", "exile", "exist", "exit", "exotic", "expand", "expect",
    "expense", "expensive", "experience", "expert", "expire", "explain", "exploit", "explore",
    "expose", "express", "extend", "extra", "extract", "extreme", "eye", "eyebrow", "eyelid",
    "fable", "fabric", "facade", "face", "fact", "factor", "fade", "fail", "failure", "faint",
    "fair", "fairly", "fairy", "faith", "fake", "fall", "false", "fame", "familiar", "family",
    "famous", "fancy", "fang", "fantasy", "far", "fare", "farewell", "fashion", "fast", "fat",
    "fatal", "fate", "father", "faucet", "fault", "favor", "favorite", "fear", "feast", "feat",
    "feature", "february", "federal", "fee", "feeble", "feed", "feel", "feeling", "fellow",
    "female", "fend", "festival", "fetch", "fever", "few", "fiber", "fiction", "fierce", "fiery",
    "fifteen", "fifty", "fight", "figure", "fill", "film", "filter", "filth", "fin", "final",
    "finally", "finance", "find", "fine", "finger", "finish", "fink", "fire", "firm", "first",
    "fist", "fit", "five", "fix", "flab", "flair", "flak", "flake", "flan", "flank", "flap",
    "flare", "flash", "flat", "flavor", "flaw", "flax", "fled", "flee", "fleet", "flesh", "flex",
    "flick", "flicker", "flight", "flip", "flirt", "flit", "float", "flock", "flog", "floor",
    "flop", "flour", "flow", "flu", "flub", "fluid", "fluke", "flume", "flunk", "flush", "flux",
    "fly", "foam", "focus", "foe", "foil", "fold", "folk", "follow", "fond", "font", "food",
    "fool", "foot", "for", "force", "forehead", "foreign", "forever", "forge", "forget", "forgive",
    "form", "formal", "former", "fort", "forth", "fortune", "forty", "forward", "fossil", "foster",
    "foul", "found", "four", "fourteen", "fraction", "fragile", "frame", "frank", "fraud", "freak",
    "free", "freedom", "freeze", "frenzy", "frequent", "fresh", "fret", "friday", "fridge",
    "friend", "friendly", "fringe", "from", "frond", "front", "frown", "froze", "frozen", "fruit",
    "frump", "fry", "fuel", "full", "fully", "fume", "fun", "function", "fund", "fungus", "funk",
    "funny", "fur", "furious", "furnace", "fuse", "fuss", "future",
    "gadget", "gain", "gallery", "gallon", "gamble", "game", "gang", "gap", "garb", "garbage",
    "gas", "gasp", "gather", "gauge", "gaze", "gear", "gem", "gene", "general", "generous",
    "genius", "genre", "gentle", "gentleman", "germ", "get", "ghost", "giant", "gift", "giggle",
    "ginger", "girl", "give", "glad", "glade", "glam", "gland", "glare", "glaze", "gleam", "glib",
    "glide", "glimpse", "glitter", "glob", "glom", "gloom", "glop", "glory", "glow", "glue",
    "glug", "glum", "glut", "gnaw", "go", "goal", "god", "gold", "golden", "golf", "good",
    "gorgeous", "gospel", "gossip", "govern", "gown", "grab", "grace", "grad", "grade",
    "gradually", "grain", "gram", "gran", "grand", "grandma", "grandpa", "grant", "graph", "grasp",
    "grate", "grave", "gravel", "gravity", "gray", "graze", "grease", "great", "greed", "green",
    "greet", "grey", "grid", "grief", "grill", "grim", "grime", "grin", "grind", "grip", "gripe",
    "grit", "groan", "grog", "groom", "grope", "ground", "group", "grove", "grow", "growl",
    "growth", "grub", "grump", "grunt", "guard", "guess", "guest", "guide", "guilt", "guilty",
    "gulf", "gulp", "gum", "gumbo", "gun", "gunk", "guru", "gust", "gut", "gutter", "guy", "gym",
    "habit", "hack", "hair", "half", "hall", "halo", "halt", "ham", "hand", "handle", "handy",
    "hang", "hank", "happen", "happy", "hard", "hardly", "hare", "hark", "harm", "harsh",
    "harvest", "hassle", "hatch", "hate", "haul", "haunt", "have", "haven", "hazard", "haze", "he",
    "head", "health", "healthy", "heap", "hear", "heart", "heat", "heaven", "heavy", "heel",
    "height", "heir", "hello", "helm", "help", "hemp", "hen", "her", "herb", "herd", "here",
    "hero", "heroic", "hers", "herself", "hiccup", "hide", "high", "highly", "hike", "him",
    "himself", "hind", "hinge", "hint", "hip", "hire", "his", "history", "hit", "hitch", "hive",
    "hoax", "hobby", "hobo", "hockey", "hoist", "hold", "holder", "hole", "holiday", "hollow",
    "holy", "home", "honest", "honk", "hood", "hoof", "hoop", "hop", "hope", "horizon", "horn",
    "horrible", "horror", "host", "hot", "hotel", "hound", "hour", "house", "how", "however",
    "hub", "hug", "huge", "hulk", "hull", "hum", "human", "humble", "humor", "hump", "hunch",
    "hundred", "hunger", "hungry", "hunk", "hunt", "hurdle", "hurry", "hurt", "husband", "hymn",
    "i", "icon", "icy", "idea", "ideal", "identify", "idle", "idol", "if", "ignore", "ill",
    "illegal", "image", "imagine", "immediate", "impact", "import", "important", "impose",
    "improve", "in", "inch", "include", "income", "increase", "indeed", "index", "indicate",
    "indigo", "industry", "infant", "influence", "inform", "inhale", "initial", "injury", "ink",
    "inn", "inner", "innocent", "input", "insect", "inside", "insist", "install", "instance",
    "instead", "insult", "intake", "intend", "interest", "internal", "into", "introduce", "invent",
    "invest", "invite", "involve", "iron", "irony", "issue", "it", "itch", "item", "its", "itself",
    "ivory",
    "jade", "jail", "jam", "january", "jaw", "jazz", "jeans", "jelly", "jerk", "jet", "jewel",
    "job", "jog", "join", "joint", "joke", "jolly", "journey", "joy", "judge", "judo", "juggle",
    "juice", "july", "jumbo", "jump", "june", "jungle", "junior", "junk", "jury", "just",
    "justice",
    "kapok", "kebab", "keen", "keep", "kelp", "kennel", "kernel", "keyboard", "kick", "kid",
    "kidnap", "kidney", "kill", "kilo", "kin", "kind", "king", "kink", "kiss", "kit", "knee",
    "knife", "knit", "knob", "knock", "knot", "know", "knowledge", "knuckle",
    "lab", "label", "labor", "lace", "lack", "lady", "lamb", "lame", "lance", "land", "lane",
    "language", "lank", "lap", "lapse", "large", "largely", "lark", "laser", "lash", "last",
    "latch", "late", "later", "laugh", "launch", "lava", "law", "lawyer", "lay", "layer", "lazy",
    "lead", "leader", "league", "leak", "lean", "leap", "learn", "lease", "leash", "least",
    "leave", "ledge", "left", "leg", "legal", "lemonade", "lend", "length", "less", "lesson",
    "let", "letter", "level", "liberal", "lick", "lid", "lie", "life", "lift", "light", "like",
    "likely", "limb", "limbo", "limit", "limo", "limp", "line", "linen", "lining", "link", "lip",
    "liquid", "list", "listen", "litter", "little", "live", "liver", "living", "load", "loan",
    "lobby", "local", "locate", "locker", "lodge", "loft", "logic", "logo", "lone", "lonely",
    "long", "look", "loose", "lord", "lose", "loss", "lost", "lot", "lottery", "loud", "lounge",
    "love", "lovely", "low", "lower", "loyal", "luck", "lucky", "lullaby", "lumber", "lump",
    "lunch", "lung", "lure", "lurk", "lush", "lust", "lyric",
    "machine", "mad", "magic", "maid", "mail", "main", "mainly", "maintain", "major", "make",
    "male", "mall", "mambo", "mammal", "man", "manage", "manner", "mansion", "many", "march",
    "margin", "marine", "mark", "maroon", "marry", "mash", "mask", "mass", "mast", "master",
    "match", "mate", "matter", "may", "maybe", "maze", "me", "meal", "mean", "meaning", "measure",
    "meat", "medal", "media", "medical", "meek", "meet", "meeting", "melody", "melt", "member",
    "memo", "memory", "men", "mend", "mental", "mention", "menu", "mercy", "mere", "merge",
    "merit", "mesh", "mess", "message", "metal", "method", "metro", "microwave", "middle", "midst",
    "might", "mighty", "mild", "milk", "million", "mimic", "mind", "mine", "mink", "minor", "mint",
    "minute", "miracle", "miss", "mistake", "mix", "moan", "mob", "mobile", "mock", "mode",
    "model", "modern", "moist", "mom", "moment", "monday", "money", "monk", "mono", "monster",
    "month", "mood", "mop", "moral", "more", "morn", "morning", "morsel", "mortal", "mosaic",
    "most", "mostly", "motel", "mother", "motion", "motor", "motto", "mound", "mount", "mouth",
    "move", "movement", "movie", "much", "mud", "mule", "mum", "mumble", "mural", "murder", "murk",
    "muscle", "museum", "music", "must", "mustard", "mute", "mutter", "mutual", "my", "myself",
    "mystery", "myth",
    "nag", "nail", "naive", "name", "nap", "narrow", "nasty", "nation", "native", "natural",
    "nature", "navel", "navy", "near", "nearly", "neat", "necessary", "neck", "nectar", "need",
    "negative", "neighbor", "neither", "nephew", "nerd", "nerve", "nervous", "never", "new",
    "news", "next", "nice", "nickel", "niece", "nifty", "night", "nimble", "nine", "nineteen",
    "ninety", "no", "noble", "nobody", "nod", "noise", "none", "noodle", "noon", "nor", "norm",
    "normal", "north", "nose", "nostril", "not", "notch", "note", "nothing", "notice", "nought",
    "novel", "november", "now", "nudge", "nugget", "null", "numb", "number", "nurse", "nursery",
    "nutmeg", "nylon",
    "oasis", "oath", "oats", "obese", "obey", "object", "oblige", "oboe", "obtain", "obvious",
    "occasion", "occur", "october", "odd", "of", "off", "offend", "offer", "office", "officer",
    "often", "oil", "ok", "okay", "old", "omen", "omit", "on", "once", "one", "online", "only",
    "onto", "opal", "open", "opera", "operate", "opinion", "oppose", "option", "or", "orbit",
    "orchid", "order", "ordinary", "organ", "origin", "ornate", "orphan", "other", "ought",
    "ounce", "our", "ours", "ourselves", "out", "outcome", "outfit", "outside", "oval", "over",
    "overall", "owe", "own", "owner", "oxygen", "ozone",
    "pace", "pack", "package", "pact", "padlock", "pagan", "page", "pain", "paint", "pair",
    "palace", "pale", "palm", "pan", "panel", "panic", "pant", "pants", "paper", "parade",
    "parcel", "pardon", "parent", "parish", "park", "parsley", "part", "partner", "party", "pass",
    "past", "paste", "pastry", "patch", "path", "patient", "patrol", "pattern", "pause", "pave",
    "paw", "pawn", "pay", "peace", "peak", "peasant", "pedal", "peel", "peer", "peg", "pen",
    "penalty", "people", "per", "perch", "perfect", "perform", "perhaps", "peril", "period",
    "perk", "perm", "permit", "person", "pet", "petal", "petrol", "phantom", "phase", "phone",
    "photo", "phrase", "pick", "picnic", "picture", "piece", "pier", "pig", "pigeon", "pike",
    "pilaf", "pile", "pill", "pillar", "pilot", "pimp", "pin", "pink", "pint", "pioneer", "pipe",
    "pirate", "pistol", "pit", "pitch", "pity", "pizza", "place", "plague", "plain", "plan",
    "plane", "plank", "plant", "plastic", "play", "player", "plea", "pleasant", "please",
    "pleasure", "pleat", "pledge", "plenty", "plod", "plonk", "plop", "plot", "plow", "pluck",
    "plug", "plumb", "plume", "plump", "plunge", "plunk", "plus", "pocket", "pod", "poem", "poet",
    "pogo", "point", "poison", "polar", "pole", "police", "policy", "polish", "polite",
    "political", "poll", "polo", "pomp", "poodle", "pool", "poor", "pop", "popular", "pork",
    "port", "portal", "pose", "posh", "position", "positive", "possible", "post", "pouch",
    "poultry", "pound", "pour", "powder", "power", "practice", "praise", "pram", "prank", "prat",
    "prawn", "pray", "preach", "predict", "prefer", "prep", "prepare", "present", "press",
    "pressure", "pretend", "pretty", "prevent", "prey", "price", "pride", "priest", "prig", "prim",
    "primary", "prime", "primp", "prince", "print", "prior", "prism", "prison", "private", "prize",
    "prob", "probably", "probe", "problem", "process", "prod", "produce", "product", "prof",
    "profit", "program", "progress", "project", "prom", "promise", "promo", "promote", "prompt",
    "prone", "proof", "prop", "proper", "property", "propose", "prose", "protect", "protest",
    "proud", "prove", "provide", "prowl", "prude", "prune", "pry", "pub", "public", "puddle",
    "puff", "pull", "pulp", "pulse", "puma", "pump", "punch", "punish", "punk", "pupil", "puppet",
    "puppy", "pure", "purple", "purpose", "purse", "push", "put", "putty", "puzzle", "pyramid",
    "quack", "quail", "quake", "quality", "quarter", "quartz", "queen", "quest", "question",
    "queue", "quick", "quickly", "quiet", "quill", "quirk", "quite", "quiz", "quota", "quote",
    "race", "racket", "radar", "rag", "rage", "raid", "rail", "raise", "rally", "ram", "ramp",
    "ranch", "range", "rank", "rapid", "rare", "rarely", "rash", "rate", "rather", "raw", "razor",
    "reach", "react", "read", "ready", "real", "reality", "realize", "really", "realm", "reap",
    "reason", "rebel", "recall", "receive", "recent", "recently", "recess", "recipe", "reckless",
    "record", "recover", "red", "redo", "reduce", "reed", "reel", "refer", "reflect", "reform",
    "refuse", "regard", "region", "regular", "reject", "relate", "relax", "release", "relic",
    "relief", "rely", "remain", "remark", "remedy", "remember", "remind", "remote", "remove",
    "rend", "rent", "repair", "repeat", "repel", "replace", "reply", "repo", "report", "reptile",
    "request", "require", "rescue", "research", "reserve", "resin", "resist", "resolve", "resort",
    "resource", "respect", "respond", "rest", "result", "retire", "retreat", "return", "reveal",
    "review", "reward", "rhyme", "rhythm", "rib", "rich", "rid", "riddle", "ride", "ridge",
    "rifle", "rig", "right", "rim", "rind", "ring", "rink", "ripe", "ripple", "rise", "risk",
    "rite", "rival", "roam", "roar", "roast", "rob", "robe", "robot", "rod", "rodent", "rogue",
    "role", "roll", "romantic", "romp", "roof", "room", "roost", "rooster", "root", "rot",
    "rotten", "rouge", "rough", "round", "route", "routine", "row", "royal", "rub", "rubber",
    "ruby", "rudder", "rude", "ruin", "rule", "rumble", "rumor", "rump", "run", "rung", "rural",
    "rush", "rust", "rye",
    "sack", "sad", "safe", "safety", "saga", "sage", "saint", "sale", "salon", "salt", "salute",
    "salvo", "same", "sample", "sane", "sank", "sap", "sapphire", "sash", "satin", "satisfy",
    "saturday", "sauce", "sausage", "savage", "save", "say", "scale", "scalp", "scan", "scar",
    "scarce", "scare", "scarlet", "scene", "scent", "schedule", "science", "scoop", "scooter",
    "scope", "scorch", "score", "scrap", "scrape", "scratch", "scream", "screen", "scribble",
    "scroll", "scrub", "sculpt", "seam", "search", "season", "seat", "second", "secret", "section",
    "sector", "secure", "sedan", "see", "seek", "seem", "seize", "select", "self", "sell",
    "senate", "send", "senior", "sense", "sensible", "sentence", "separate", "september", "serf",
    "series", "serious", "sermon", "serpent", "serum", "serve", "service", "servo", "session",
    "set", "settle", "seven", "seventeen", "seventy", "several", "severe", "sew", "shabby",
    "shade", "shadow", "shaft", "shake", "shall", "shallow", "shame", "shape", "share", "sharp",
    "shave", "shawl", "she", "shed", "sheet", "shelter", "sherry", "shield", "shift", "shin",
    "shine", "shiny", "shiver", "shock", "shoot", "shop", "shore", "short", "shorts", "shot",
    "should", "shoulder", "shout", "show", "shower", "shred", "shrewd", "shriek", "shrine",
    "shrink", "shrub", "shrug", "shuffle", "shut", "shy", "sick", "side", "siege", "sieve", "sigh",
    "sight", "sign", "signal", "silence", "silent", "silk", "sill", "silly", "silo", "silver",
    "similar", "simmer", "simple", "simply", "since", "sing", "single", "sink", "sip", "sir",
    "siren", "sister", "sit", "site", "situation", "six", "sixteen", "sixty", "size", "skate",
    "sketch", "ski", "skid", "skill", "skim", "skimp", "skin", "skink", "skip", "skirt", "skit",
    "skulk", "skull", "skunk", "sky", "slab", "slack", "slake", "slam", "slang", "slap", "slat",
    "slate", "slave", "sleek", "sleep", "sleeve", "slender", "slept", "slice", "slid", "slide",
    "slight", "slightly", "slim", "slime", "sling", "slink", "slip", "slit", "slob", "slog",
    "slop", "slope", "slot", "slow", "slowly", "slug", "slum", "slump", "slush", "sly", "smack",
    "small", "smart", "smash", "smear", "smell", "smile", "smirk", "smite", "smog", "smoke",
    "smooth", "smote", "snack", "snag", "snake", "snap", "snare", "snarl", "snatch", "sneak",
    "sneeze", "snide", "sniff", "snip", "snipe", "snit", "snob", "snore", "snort", "snot", "snout",
    "snub", "snug", "so", "soak", "sob", "social", "society", "soda", "soft", "software", "soil",
    "solar", "soldier", "sole", "solemn", "solid", "solo", "solution", "solve", "some", "somebody",
    "somehow", "someone", "something", "sometimes", "somewhat", "somewhere", "son", "song",
    "sonic", "soon", "soot", "soothe", "sore", "sorry", "sort", "soul", "sound", "sour", "source",
    "south", "sow", "spa", "space", "spade", "spam", "span", "spank", "spare", "spark", "spasm",
    "spat", "spate", "speak", "spear", "special", "speck", "sped", "speech", "speed", "spell",
    "spend", "spice", "spike", "spill", "spin", "spine", "spiral", "spirit", "spit", "spite",
    "splash", "spleen", "split", "spoil", "spoke", "spore", "spork", "sport", "spot", "sprain",
    "sprawl", "spray", "spread", "spring", "sprout", "spud", "spun", "spur", "spurn", "spy",
    "squad", "square", "squash", "squeeze", "squid", "stab", "stable", "stack", "stadium", "staff",
    "stag", "stage", "stain", "stair", "stake", "stale", "stalk", "stall", "stand", "standard",
    "stank", "staple", "star", "starch", "stare", "stark", "start", "starve", "stash", "stat",
    "state", "statement", "stave", "stay", "steady", "steak", "steal", "steam", "steel", "steep",
    "steer", "stem", "steno", "step", "stern", "stew", "stick", "stiff", "still", "sting", "stink",
    "stint", "stir", "stitch", "stock", "stoke", "stole", "stomach", "stomp", "stone", "stoop",
    "stop", "store", "stork", "story", "stout", "straight", "strange", "stranger", "strap",
    "strategy", "straw", "stray", "strength", "stress", "stretch", "strict", "strike", "string",
    "strip", "stripe", "stroke", "stroll", "strong", "strongly", "structure", "struggle", "stub",
    "stud", "student", "studio", "study", "stuff", "stump", "stun", "stunk", "stunt", "stupid",
    "sturdy", "style", "subject", "submit", "succeed", "success", "such", "sudden", "suddenly",
    "suffer", "sugar", "suggest", "suit", "sulk", "sum", "summer", "sumo", "sump", "sunday",
    "sunk", "sunny", "super", "supply", "support", "suppose", "sure", "surely", "surf", "surface",
    "surge", "surprise", "surround", "survey", "survive", "suspect", "swab", "swag", "swallow",
    "swam", "swap", "swarm", "swat", "sway", "swear", "sweat", "sweep", "sweet", "swift", "swig",
    "swim", "swine", "swing", "swipe", "swirl", "switch", "sword", "sworn", "symbol", "syrup",
    "system",
    "tackle", "taco", "tag", "tail", "take", "tale", "talent", "talk", "tall", "tame", "tamp",
    "tan", "tangle", "tango", "tank", "tap", "tape", "tar", "target", "tarn", "taro", "tart",
    "task", "taste", "tavern", "tax", "tea", "teach", "teacher", "teak", "team", "tear", "tease",
    "technical", "technology", "teddy", "teen", "teeth", "telephone", "television", "tell", "temp",
    "temper", "temperature", "temple", "tempo", "ten", "tenant", "tend", "tender", "term", "tern",
    "terrain", "terrible", "test", "text", "than", "thank", "that", "thaw", "the", "theater",
    "theft", "their", "them", "theme", "themselves", "then", "theory", "there", "therefore",
    "these", "they", "thick", "thief", "thigh", "thin", "thing", "think", "third", "thirsty",
    "thirteen", "thirty", "this", "thorn", "those", "though", "thought", "thousand", "thread",
    "threat", "three", "thrill", "throat", "throne", "through", "throw", "thud", "thug", "thumb",
    "thursday", "thus", "tick", "tide", "tidy", "tie", "tight", "tile", "till", "tilt", "timber",
    "time", "tin", "tinker", "tint", "tiny", "tip", "tire", "tired", "title", "to", "toast",
    "today", "toddler", "toe", "tofu", "together", "toilet", "toll", "tomb", "tomorrow", "ton",
    "tone", "tong", "tongue", "tonight", "too", "tooth", "top", "topic", "torch", "torn", "torso",
    "toss", "tot", "total", "totem", "touch", "tough", "tour", "toward", "town", "toy", "trace",
    "track", "trade", "tradition", "traffic", "trail", "tram", "tramp", "trance", "transfer",
    "transform", "transport", "trap", "travel", "tread", "treat", "treatment", "treaty", "trek",
    "trench", "trend", "trial", "tribe", "trick", "trig", "trike", "trim", "trio", "trip", "tripe",
    "trite", "trod", "trolley", "tromp", "trope", "trophy", "tropic", "trot", "trouble", "trove",
    "truce", "truck", "true", "truly", "trump", "trunk", "truss", "trust", "truth", "try", "tub",
    "tuba", "tube", "tuck", "tuesday", "tug", "tumble", "tuna", "tune", "turbo", "turf", "turkey",
    "turn", "tusk", "tutor", "tutu", "twelve", "twenty", "twice", "twig", "twin", "twine", "twirl",
    "twist", "two", "type", "typical",
    "udder", "ugly", "ultimate", "umpire", "unable", "uncle", "under", "understand", "undo",
    "unfair", "unhappy", "unicorn", "uniform", "union", "unique", "unit", "unite", "universe",
    "unless", "unlike", "until", "unusual", "up", "upon", "upper", "upset", "urban", "urge", "urn",
    "us", "use", "used", "useful", "user", "usher", "usual", "usually", "utter",
    "vacation", "vacuum", "vague", "vain", "valid", "value", "valve", "vamp", "van", "vanilla",
    "vapor", "various", "vary", "vast", "vault", "vehicle", "veil", "vein", "velvet", "vend",
    "vendor", "vent", "venture", "verb", "verse", "version", "very", "vessel", "veto", "via",
    "vibe", "victim", "victory", "video", "view", "vine", "vino", "vinyl", "viola", "violent",
    "violet", "viper", "virtue", "virus", "visa", "visible", "vision", "visit", "visitor", "visor",
    "visual", "vital", "vivid", "vodka", "voice", "void", "volume", "vote", "vow", "vowel",
    "voyage", "vulture",
    "wad", "waddle", "wade", "wafer", "waffle", "wag", "wage", "wail", "waist", "wait", "wake",
    "walk", "wall", "wand", "wander", "want", "war", "ward", "warm", "warn", "warp", "wart",
    "wash", "wasp", "waste", "watch", "water", "wave", "wax", "way", "we", "weak", "wealth",
    "weapon", "wear", "weasel", "weather", "weave", "web", "wed", "wedding", "wedge", "wednesday",
    "weed", "week", "weekend", "weep", "weigh", "weight", "weird", "welcome", "well", "wend",
    "west", "wet", "whale", "what", "whatever", "wheat", "when", "where", "whether", "which",
    "while", "whip", "whirl", "whisk", "whisper", "white", "who", "whole", "whom", "whose", "why",
    "wick", "wide", "widow", "width", "wife", "wig", "wild", "will", "willing", "wimp", "win",
    "wind", "wine", "wing", "wink", "winner", "winter", "wipe", "wire", "wisdom", "wise", "wish",
    "wit", "with", "within", "without", "witness", "wizard", "wobble", "woman", "womb", "women",
    "wonder", "wonderful", "wonk", "word", "work", "worker", "world", "worm", "worn", "worry",
    "worse", "worst", "worth", "would", "wound", "wrap", "wreath", "wreck", "wren", "wrist",
    "write", "writer", "wrong",
    "yank", "yard", "yarn", "yawn", "yeah", "year", "yeast", "yell", "yellow", "yes", "yesterday",
    "yet", "yield", "yoga", "yolk", "you", "young", "your", "yours", "yourself", "youth", "yummy",
    "zeal", "zero", "zest", "zigzag", "zinc", "zip", "zombie", "zone", "zonk", "zoo", "zoom",
};

/// Further strings the nonsense model can produce and must not: rarer English words, given names
/// and place names (a "nonsense" variable should not read as a word or as somebody's name).
/// Lower case, sorted; not part of english_words().
constexpr std::string_view kAlsoAvoid[] = {
    "akimbo",
    "babu", "baduk", "baku", "balbo", "balzak", "bambu", "barak", "barf", "barm", "batak", "bembo",
    "berk", "bern", "beto", "bezo", "biko", "bilbo", "bimbo", "birk", "biro", "bivak", "blag",
    "blake", "blam", "blat", "blate", "bleb", "blem", "blep", "blet", "blime", "blin", "blub",
    "blud", "blume", "bobo", "bolo", "bondo", "bono", "bork", "boro", "bram", "brando", "brane",
    "brek", "bren", "bret", "breve", "brin", "brit", "brite", "brodo", "brome", "bromo", "brule",
    "brum", "brume", "bruno", "bruv", "brux", "bubo", "budo", "bund", "bunko", "burak", "burb",
    "burk", "buto",
    "dado", "darko", "devo", "dido", "dino", "dobro", "dogo", "dolf", "domo", "drave", "drax",
    "dred", "drek", "drib", "drome", "drupe", "druze", "dumbo", "durn", "duro",
    "fado", "falaf", "falk", "falko", "fark", "fibro", "fido", "filk", "filo", "fino", "firk",
    "firn", "flam", "flem", "flim", "flite", "flix", "flump", "fomo", "fondu", "frag", "frage",
    "frak", "fran", "frap", "fred", "fredo", "frig", "frit", "frito", "friz", "frize", "frob",
    "frodo", "frome", "frug", "fugu", "funko",
    "gabo", "gamp", "gank", "garbo", "gimp", "gink", "gino", "girn", "giro", "glamp", "gleb",
    "glebe", "glede", "glen", "glim", "glit", "glomp", "glume", "glute", "gobo", "gogo", "gonk",
    "gork", "goto", "gozo", "graf", "gramp", "grebe", "greg", "grep", "grete", "grex", "grig",
    "grok", "grot", "grote", "gump", "gurn",
    "habu", "havok", "helo", "hemo", "herm", "hilo", "himbo", "hindu", "hino", "hiro", "holm",
    "holo", "hondo", "hork", "hugo", "hundo", "hutu",
    "jambo", "jank", "jato", "jimbo", "jimp", "jindo", "jink", "jiro", "joko", "jomo", "junko",
    "juno",
    "kanak", "kano", "kanuk", "kapo", "kato", "kazak", "kemp", "kendo", "keno", "kerb", "kerf",
    "kern", "keto", "kibo", "kino", "kirk", "kirkuk", "kline", "kluge", "klute", "kobo", "kodak",
    "koko", "kolo", "kombu", "konak", "kondo", "korn", "koto", "kozak", "krag", "kreme", "krib",
    "kron", "krone", "krud", "krug", "krump", "krunk", "kudo", "kudu", "kulak",
    "lambo", "lando", "lego", "leno", "levo", "lido", "lilo", "lind", "lino", "lipo", "lobo",
    "lorn", "loto", "ludo", "lulu", "lund", "lunk",
    "mako", "makro", "malm", "mando", "mank", "mano", "marko", "marm", "mikro", "milo", "mirk",
    "miro", "momo", "mondo", "mork", "mukluk", "mumbo", "mump", "mumu", "muzak",
    "nand", "nando", "nano", "nanuk", "narf", "nark", "nato", "neko", "nemo", "nerf", "nero",
    "niko", "nino", "nogo", "nolo", "nono", "nork", "norn", "noro", "novak", "novo",
    "palo", "palp", "panko", "parm", "pedro", "pelf", "pend", "pepo", "perf", "peru", "pervo",
    "pinko", "pivo", "plame", "plat", "plato", "pleb", "plebe", "pled", "plex", "plink", "pluto",
    "polak", "pomo", "popo", "prado", "prate", "prez", "primo", "prink", "prix", "prog", "prole",
    "pron", "pronk", "proto", "provo", "prox", "prozak", "pruno", "pudu", "puto",
    "raku", "ralf", "rambo", "rand", "rando", "rebok", "rebuf", "rego", "reno", "ribo", "robo",
    "rolf", "rolo", "rond", "rondo", "roto",
    "sado", "sago", "salp", "sambo", "sark", "sego", "serb", "simp", "sino", "situ", "skag",
    "skank", "skat", "sked", "skeg", "skelp", "skene", "skep", "sket", "skite", "skive", "slade",
    "slag", "slav", "sleb", "sligo", "slomo", "slovak", "slub", "slunk", "slurm", "smarm", "smike",
    "smit", "smoko", "smug", "smurf", "smut", "snape", "snarf", "snark", "snax", "sned", "snek",
    "snib", "snog", "snoz", "sono", "sorb", "soto", "spake", "sperm", "spile", "spiv", "spod",
    "spode", "spume", "stade", "stan", "stane", "stele", "sten", "stet", "steve", "stile", "stim",
    "stine", "stipe", "stonk", "stope", "stot", "stum", "stupe", "sturm", "sudo", "sulu", "sumak",
    "swage", "swale", "swarf", "swed", "swede", "swink", "swive", "swiz", "swole", "swot", "swum",
    "tabak", "tabu", "tako", "tink", "tiro", "tivo", "tobruk", "todo", "togo", "tomo", "tondo",
    "topo", "tork", "toro", "toto", "trad", "trampo", "trane", "trank", "tref", "treme", "trev",
    "trine", "trix", "trog", "tron", "trop", "trude", "trug", "tump", "turk",
    "vato", "velo", "vibro", "vigo", "vito", "volk", "volvo",
    "welp", "werk", "wino", "wolof", "worf", "wumbo",
    "zadok", "zambo", "zarf", "zebu", "zendo", "zeno", "zorb", "zork", "zulu",
};

/// Roots that must not occur anywhere in a nonsense name (slurs, obscenities, unfortunate
/// readings). Substring match on the lower-case name.
constexpr std::string_view kOffensiveRoots[] = {
    "anal", "anus", "chink", "clit", "cock", "coon", "crap", "cum", "cunt", "dago", "dick", "dik",
    "dild", "fag", "fuck", "fuk", "homo", "jap", "jiz", "kike", "klan", "klit", "klux", "krap",
    "milf", "nazi", "negr", "nig", "paki", "pedo", "piss", "polak", "porn", "puto", "rape",
    "sambo", "shit", "slut", "smeg", "spaz", "spic", "spik", "spunk", "tard", "tit", "turd",
    "twat", "vulv", "wank", "whor", "wog", "wop", "zambo",
};

std::vector<std::string> to_vector(const std::string_view* first, const std::string_view* last) {
  std::vector<std::string> out(first, last);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool contains_sorted(const std::vector<std::string>& sorted, std::string_view word) {
  const auto it = std::lower_bound(sorted.begin(), sorted.end(), word,
                                   [](const std::string& a, std::string_view b) { return a < b; });
  return it != sorted.end() && *it == word;
}

/// Everything a nonsense name must not be: english_words() plus kAlsoAvoid, sorted.
const std::vector<std::string>& forbidden_words() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> out = english_words();
    out.insert(out.end(), std::begin(kAlsoAvoid), std::end(kAlsoAvoid));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }();
  return words;
}

/// Words of up to 8 letters packed into one integer (first letter in the high byte, zero
/// padding): distinct words give distinct keys, since no word holds a '\0'.
constexpr std::size_t kPackedLetters = 8;

std::uint64_t packed(std::string_view word) {
  std::uint64_t key = 0;
  for (std::size_t i = 0; i < kPackedLetters; ++i) {
    key = key << 8 | (i < word.size() ? static_cast<unsigned char>(word[i]) : 0U);
  }
  return key;
}

/// The forbidden words (kEnglish, kNouns, kAlsoAvoid) of up to 8 letters, packed and sorted:
/// every candidate has at most 8, and a lookup is a binary search over integers. Built from the
/// embedded arrays once per process, without the strings forbidden_words() would copy and sort.
const std::vector<std::uint64_t>& forbidden_keys() {
  static const std::vector<std::uint64_t> keys = [] {
    std::vector<std::uint64_t> out;
    auto add = [&out](std::span<const std::string_view> words) {
      for (std::string_view w : words) {
        if (w.size() <= kPackedLetters) out.push_back(packed(w));
      }
    };
    add(kEnglish);
    add(kNouns);
    add(kAlsoAvoid);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }();
  return keys;
}

/// Whether a nonsense name must not be `word` (a word of the lists above).
bool forbidden(std::string_view word) {
  if (word.size() > kPackedLetters) return contains_sorted(forbidden_words(), word);  // never for candidates
  const std::vector<std::uint64_t>& keys = forbidden_keys();
  return std::binary_search(keys.begin(), keys.end(), packed(word));
}

std::string capitalised(std::string word) {
  if (!word.empty() && word[0] >= 'a' && word[0] <= 'z') {
    word[0] = static_cast<char>(word[0] - 'a' + 'A');
  }
  return word;
}


// ---- the syllable model -------------------------------------------------------------------------
//
// A name is one of four shapes (O = onset, V = vowel, K = coda, M = medial consonant(s)):
//   closed:      O V K        Blaf, Frim, Vork, Jurf     (one-letter onsets take two-letter codas)
//   silent e:    O V C e      Trune, Sline               (two-letter onsets only)
//   open:        O V M o|u    Ziklo, Lumbo, Qado
//   long closed: O V M V K    Bromuk, Zindaf             (K is f or k)
// Every table entry carries an integer weight; all draws go through Rng::below, so a seed gives the
// same names on every platform.

struct Part {
  std::string_view text;
  std::uint32_t weight;
};

constexpr Part kSingleOnsets[] = {
    {"b", 3}, {"d", 3}, {"f", 3}, {"g", 3}, {"h", 2}, {"j", 2}, {"k", 3}, {"l", 3}, {"m", 3},
    {"n", 3}, {"p", 3}, {"q", 1}, {"r", 3}, {"s", 3}, {"t", 3}, {"v", 3}, {"w", 2}, {"z", 3},
};

constexpr Part kClusterOnsets[] = {
    {"bl", 2}, {"br", 2}, {"dr", 2}, {"fl", 2}, {"fr", 2}, {"gl", 2}, {"gr", 2},
    {"kl", 2}, {"kr", 2}, {"pl", 2}, {"pr", 2}, {"sk", 2}, {"sl", 2}, {"sm", 2},
    {"sn", 2}, {"sp", 2}, {"st", 2}, {"sw", 2}, {"tr", 2},
};

constexpr Part kVowels[] = {{"a", 3}, {"e", 2}, {"i", 3}, {"o", 3}, {"u", 3}};

constexpr Part kSingleCodas[] = {
    {"b", 2}, {"d", 2}, {"f", 3}, {"g", 2}, {"k", 3}, {"m", 3},
    {"n", 2}, {"p", 2}, {"t", 2}, {"v", 2}, {"x", 1}, {"z", 2},
};

constexpr Part kDoubleCodas[] = {
    {"rf", 3}, {"rk", 3}, {"rm", 2}, {"rn", 2}, {"rb", 2}, {"lf", 2},
    {"lk", 2}, {"lm", 2}, {"lp", 2}, {"mp", 2}, {"nk", 2}, {"nd", 2},
};

constexpr Part kSilentEConsonants[] = {
    {"b", 2}, {"d", 2}, {"f", 2}, {"g", 2}, {"k", 2}, {"l", 2},
    {"m", 2}, {"n", 3}, {"p", 2}, {"t", 2}, {"v", 2}, {"z", 2},
};

constexpr Part kMedials[] = {
    {"b", 3}, {"d", 3}, {"g", 3}, {"k", 3}, {"l", 3}, {"m", 3}, {"n", 3}, {"p", 3},
    {"r", 3}, {"t", 3}, {"v", 3}, {"z", 3}, {"kl", 2}, {"mb", 2}, {"nd", 2}, {"lb", 2},
    {"lk", 2}, {"lv", 2}, {"lz", 1}, {"rb", 2}, {"rk", 2}, {"rv", 1}, {"rz", 1}, {"zl", 1},
    {"nk", 2}, {"mp", 2}, {"lm", 2}, {"rm", 2}, {"br", 2}, {"dr", 2}, {"gr", 2}, {"kr", 2},
};

constexpr Part kOpenFinals[] = {{"o", 3}, {"u", 1}};

constexpr Part kLongVowels[] = {{"a", 2}, {"o", 2}, {"u", 2}};

constexpr Part kLongCodas[] = {{"f", 1}, {"k", 1}};

enum class Shape : std::uint8_t { closed, silent_e, open, long_closed };

constexpr std::array<std::pair<Shape, std::uint32_t>, 4> kShapes = {{
    {Shape::closed, 3}, {Shape::silent_e, 2}, {Shape::open, 3}, {Shape::long_closed, 2},
}};

/// The sum of a table's weights (computed at compile time for each table).
template <std::size_t N>
constexpr std::uint64_t total_weight(const Part (&parts)[N]) {
  std::uint64_t total = 0;
  for (const Part& p : parts) total += p.weight;
  return total;
}

template <const auto& parts>
std::string_view draw(Rng& rng) {
  static constexpr std::uint64_t kTotal = total_weight(parts);
  std::uint64_t r = rng.below(kTotal);
  for (const Part& p : parts) {
    if (r < p.weight) return p.text;
    r -= p.weight;
  }
  return std::end(parts)[-1].text;  // unreachable
}

Shape draw_shape(Rng& rng) {
  std::uint64_t total = 0;
  for (const auto& [shape, weight] : kShapes) total += weight;
  std::uint64_t r = rng.below(total);
  for (const auto& [shape, weight] : kShapes) {
    if (r < weight) return shape;
    r -= weight;
  }
  return kShapes.back().first;  // unreachable
}

std::string_view draw_onset(Rng& rng) {
  // Single letters and clusters equally often overall.
  return rng.chance(1, 2) ? draw<kSingleOnsets>(rng) : draw<kClusterOnsets>(rng);
}

/// One candidate, lower case (not yet checked against the word lists or earlier names).
std::string candidate(Rng& rng) {
  std::string out;
  switch (draw_shape(rng)) {
    case Shape::closed: {
      const std::string_view onset = draw_onset(rng);
      out += onset;
      out += draw<kVowels>(rng);
      if (onset.size() == 1 || rng.chance(1, 3)) {
        out += draw<kDoubleCodas>(rng);
      } else {
        out += draw<kSingleCodas>(rng);
      }
      break;
    }
    case Shape::silent_e:
      out += draw<kClusterOnsets>(rng);
      out += draw<kVowels>(rng);
      out += draw<kSilentEConsonants>(rng);
      out += 'e';
      break;
    case Shape::open:
      out += draw_onset(rng);
      out += draw<kVowels>(rng);
      out += draw<kMedials>(rng);
      out += draw<kOpenFinals>(rng);
      break;
    case Shape::long_closed: {
      const std::string_view onset = draw_onset(rng);
      out += onset;
      out += draw<kVowels>(rng);
      // A two-letter onset takes a one-letter medial: Frekof, not Spuklok.
      std::string_view medial = draw<kMedials>(rng);
      while (onset.size() == 2 && medial.size() == 2) medial = draw<kMedials>(rng);
      out += medial;
      out += draw<kLongVowels>(rng);
      out += draw<kLongCodas>(rng);
      break;
    }
  }
  return out;
}

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

/// Letter runs that read badly: two vowels together (aa, ou), a doubled letter, three consonants
/// in a row, a q not followed by a vowel, a vowel between two equal consonants (kak, dodo:
/// stutters, and the pattern of many baby words), and a second l or a second r.
bool awkward(std::string_view word) {
  const auto count = [&](char c) { return std::count(word.begin(), word.end(), c); };
  if (count('l') > 1 || count('r') > 1) {
    return true;  // Brogrok, Blulf: one of each liquid is plenty
  }
  std::size_t consonant_run = 0;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    if (i > 0 && (c == word[i - 1] || (is_vowel(c) && is_vowel(word[i - 1])))) return true;
    if (i > 1 && !is_vowel(c) && is_vowel(word[i - 1]) && c == word[i - 2]) return true;
    consonant_run = is_vowel(c) ? 0 : consonant_run + 1;
    if (consonant_run >= 3) return true;
    if (c == 'q' && (i + 1 == word.size() || !is_vowel(word[i + 1]))) return true;
  }
  return false;
}

/// kOffensiveRoots by first letter ('a'..'z'), so a name's letters each meet only the few roots
/// that can start there.
const std::array<std::vector<std::string_view>, 26>& offensive_roots_by_letter() {
  static const std::array<std::vector<std::string_view>, 26> roots = [] {
    std::array<std::vector<std::string_view>, 26> out;
    for (std::string_view root : kOffensiveRoots) out[static_cast<std::size_t>(root.front() - 'a')].push_back(root);
    return out;
  }();
  return roots;
}

/// Whether some root of kOffensiveRoots occurs in `word`.
bool offensive(std::string_view word) {
  const auto& roots = offensive_roots_by_letter();
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (word[i] < 'a' || word[i] > 'z') continue;  // every root is lower case
    for (std::string_view root : roots[static_cast<std::size_t>(word[i] - 'a')]) {
      if (word.substr(i, root.size()) == root) return true;
    }
  }
  return false;
}

/// Whether `word` spells an avoided word with k for c or z for s (Krude, Klub, Zand): such names
/// read as misspelt English.
bool respelt_word(std::string_view word) {
  // Short strings: no allocation (a candidate has at most 7 letters).
  std::string c_for_k(word);
  std::replace(c_for_k.begin(), c_for_k.end(), 'k', 'c');
  std::string ck_at_end(word);
  if (ck_at_end.back() == 'k') ck_at_end.insert(ck_at_end.size() - 1, 1, 'c');
  std::string s_for_z(word);
  std::replace(s_for_z.begin(), s_for_z.end(), 'z', 's');
  return (c_for_k != word && forbidden(c_for_k)) || (ck_at_end != word && forbidden(ck_at_end)) ||
         (s_for_z != word && forbidden(s_for_z));
}

/// Too close to a name already chosen: edit distance < 2, or the same first two letters.
bool near_duplicate(std::string_view word, const std::vector<std::string>& chosen) {
  return std::any_of(chosen.begin(), chosen.end(), [&](const std::string& other) {
    return word.substr(0, 2) == std::string_view(other).substr(0, 2) || within_one_edit(word, other);
  });
}

/// How many names one call can give at most: one per first-two-letter prefix the model can start
/// a word with.
std::size_t max_nonsense_names() {
  std::size_t n = std::size(kClusterOnsets);
  n += std::size(kSingleOnsets) * std::size(kVowels);
  return n;
}

/// Bounded retries per name; far above what any satisfiable request needs.
constexpr int kAttemptsPerName = 200'000;

std::vector<std::string> nonsense_names(std::size_t count, Rng& rng) {
  const std::size_t limit = max_nonsense_names();
  if (count > limit) {
    throw Error(fmt::format(
        "cannot make {} distinct nonsense names: the syllable model gives at most {} per call",
        count, limit));
  }
  std::vector<std::string> chosen;  // lower case
  chosen.reserve(count);
  while (chosen.size() < count) {
    bool found = false;
    for (int attempt = 0; attempt < kAttemptsPerName && !found; ++attempt) {
      std::string word = candidate(rng);
      if (word.size() < 4 || word.size() > 7 || awkward(word) || offensive(word) ||
          forbidden(word) || respelt_word(word) ||
          near_duplicate(word, chosen)) {
        continue;
      }
      chosen.push_back(std::move(word));
      found = true;
    }
    if (!found) {
      throw Error(fmt::format(
          "cannot make {} distinct nonsense names: the syllable model ran out after {}", count,
          chosen.size()));
    }
  }
  for (std::string& name : chosen) name = capitalised(std::move(name));
  return chosen;
}

std::vector<std::string> letter_names(std::size_t count) {
  std::vector<std::string> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::string name(1, static_cast<char>('A' + i % 26));
    if (i >= 26) name += std::to_string(i / 26);
    out.push_back(std::move(name));
  }
  return out;
}

std::vector<std::string> word_names(std::size_t count, Rng& rng) {
  const std::vector<std::string>& nouns = noun_list();
  if (count > nouns.size()) {
    throw Error(fmt::format("cannot make {} distinct word names: the noun list has only {}", count,
                            nouns.size()));
  }
  std::vector<std::string> pool = nouns;
  rng.shuffle(pool);
  pool.resize(count);
  for (std::string& name : pool) name = capitalised(std::move(name));
  return pool;
}

}  // namespace

std::string to_string(NameStyle style) {
  switch (style) {
    case NameStyle::nonsense:
      return "nonsense";
    case NameStyle::letters:
      return "letters";
    case NameStyle::words:
      return "words";
  }
  return "nonsense";  // unreachable
}

std::optional<NameStyle> name_style_from_string(std::string_view text) {
  if (text == "nonsense") return NameStyle::nonsense;
  if (text == "letters") return NameStyle::letters;
  if (text == "words") return NameStyle::words;
  return std::nullopt;
}

std::vector<std::string> make_names(NameStyle style, std::size_t count, Rng& rng) {
  switch (style) {
    case NameStyle::nonsense:
      return nonsense_names(count, rng);
    case NameStyle::letters:
      return letter_names(count);
    case NameStyle::words:
      return word_names(count, rng);
  }
  throw Error("unknown name style");
}

const std::vector<std::string>& noun_list() {
  static const std::vector<std::string> nouns = to_vector(std::begin(kNouns), std::end(kNouns));
  return nouns;
}

const std::vector<std::string>& english_words() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> out = to_vector(std::begin(kEnglish), std::end(kEnglish));
    const std::vector<std::string>& nouns = noun_list();
    out.insert(out.end(), nouns.begin(), nouns.end());
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }();
  return words;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  if (a.size() < b.size()) std::swap(a, b);  // the rows run over the shorter string
  // Two rows; names are short, so they live on the stack unless b is long.
  constexpr std::size_t kShort = 32;
  std::array<std::size_t, 2 * kShort> rows{};
  std::vector<std::size_t> heap;
  std::size_t* previous = rows.data();
  std::size_t* current = rows.data() + kShort;
  if (b.size() >= kShort) {
    heap.resize(2 * (b.size() + 1));
    previous = heap.data();
    current = heap.data() + b.size() + 1;
  }
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

/// Equal, or one substitution, insertion or deletion apart (with equal lengths an insertion needs a
/// deletion too, so only a substitution).
bool within_one_edit(std::string_view a, std::string_view b) {
  if (a.size() < b.size()) std::swap(a, b);
  if (a.size() - b.size() > 1) return false;
  std::size_t i = 0;  // the common prefix
  while (i < b.size() && a[i] == b[i]) ++i;
  if (i == b.size()) return true;  // equal, or a is b plus one letter at the end
  return a.substr(i + 1) == b.substr(a.size() == b.size() ? i + 1 : i);
}

}  // namespace rung

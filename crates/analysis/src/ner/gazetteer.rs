//! Small hand-written name lists (countries, states, cities, given names,
//! organisations, title words...) that the entity recogniser reads as
//! features. With only 2,001 training sentences, a list says "this is a place"
//! about names the training data never showed; the recogniser still learns how
//! much to trust each list, so an entry that is also a common word (`china`,
//! `will`) costs little.
//!
//! The lists were written from general knowledge, not taken from any data set.
//! Entries are lowercase; phrases are matched word by word (up to
//! [`MAX_PHRASE_WORDS`] words) against the lowercased words of a sentence, so a
//! phrase must be split the way UD English tokenises it (`st. louis` is two
//! words, `u.s.` one).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use crate::perceptron::mix;

/// What a list says about a word or phrase. The number is a bit position:
/// a word's matches are kept as a bit set of (list, position in the match).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Country = 0,
    /// US states, Canadian provinces and a few other first-level regions.
    State = 1,
    City = 2,
    /// Continents, large regions, seas, mountain ranges.
    Region = 3,
    GivenName = 4,
    Surname = 5,
    /// Well-known organisations: companies, agencies, parties, teams, media.
    Organisation = 6,
    /// A word that often heads or ends an organisation's name (`university`,
    /// `inc`, `party`).
    OrganisationWord = 7,
    /// A word that often ends a place's name (`street`, `river`, `county`).
    PlaceWord = 8,
    /// A title or honorific before a person's name (`mr`, `senator`).
    PersonTitle = 9,
    /// Nationality adjectives and demonyms (`american`): capitalised, yet not
    /// entities in Universal NER, so they are evidence against.
    Nationality = 10,
    /// Capitalised words that are not entities: months, days, holidays, languages.
    OrdinaryCapitalised = 11,
}

/// How many lists there are (bits 0 to `N_LISTS - 1`).
pub const N_LISTS: usize = 12;

/// The longest phrase a list holds, in words.
pub const MAX_PHRASE_WORDS: usize = 4;

const COUNTRIES: &str = "afghanistan,albania,algeria,andorra,angola,argentina,armenia,australia,austria,azerbaijan,\
bahamas,bahrain,bangladesh,barbados,belarus,belgium,belize,benin,bhutan,bolivia,bosnia,botswana,brazil,brunei,\
bulgaria,burma,burundi,cambodia,cameroon,canada,chad,chile,china,colombia,congo,costa rica,croatia,cuba,cyprus,\
czech republic,czechoslovakia,denmark,djibouti,dominican republic,ecuador,egypt,el salvador,england,eritrea,estonia,\
ethiopia,fiji,finland,france,gabon,gambia,georgia,germany,ghana,great britain,britain,greece,grenada,guatemala,guinea,\
guyana,haiti,holland,honduras,hungary,iceland,india,indonesia,iran,iraq,ireland,israel,italy,ivory coast,jamaica,\
japan,jordan,kazakhstan,kenya,korea,north korea,south korea,kosovo,kuwait,kyrgyzstan,laos,latvia,lebanon,lesotho,\
liberia,libya,liechtenstein,lithuania,luxembourg,macedonia,madagascar,malawi,malaysia,maldives,mali,malta,\
mauritania,mauritius,mexico,moldova,monaco,mongolia,montenegro,morocco,mozambique,myanmar,namibia,nepal,\
netherlands,the netherlands,new zealand,nicaragua,niger,nigeria,norway,oman,pakistan,palestine,panama,\
papua new guinea,paraguay,peru,philippines,the philippines,poland,portugal,qatar,romania,russia,rwanda,\
saudi arabia,scotland,senegal,serbia,sierra leone,singapore,slovakia,slovenia,somalia,south africa,soviet union,\
ussr,spain,sri lanka,sudan,suriname,swaziland,sweden,switzerland,syria,taiwan,tajikistan,tanzania,thailand,tibet,\
togo,tonga,trinidad,tunisia,turkey,turkmenistan,uganda,ukraine,united arab emirates,uae,united kingdom,uk,u.k.,\
united states,united states of america,usa,u.s.a.,u.s.,america,uruguay,uzbekistan,venezuela,vietnam,viet nam,\
wales,yemen,yugoslavia,zambia,zimbabwe,puerto rico,greenland,hong kong,macau,vatican,kurdistan,chechnya,darfur";

const STATES: &str = "alabama,alaska,arizona,arkansas,california,colorado,connecticut,delaware,florida,hawaii,idaho,\
illinois,indiana,iowa,kansas,kentucky,louisiana,maine,maryland,massachusetts,michigan,minnesota,mississippi,\
missouri,montana,nebraska,nevada,new hampshire,new jersey,new mexico,new york,north carolina,north dakota,ohio,\
oklahoma,oregon,pennsylvania,rhode island,south carolina,south dakota,tennessee,texas,utah,vermont,virginia,\
washington,west virginia,wisconsin,wyoming,ny,nj,tx,fl,nc,sc,va,wa,mi,ga,az,md,mn,\
ontario,quebec,british columbia,alberta,manitoba,saskatchewan,nova scotia,new brunswick,newfoundland,yukon,\
bavaria,catalonia,punjab,kashmir,bengal,kerala,siberia,queensland,tasmania,victoria,new south wales,guam";

const CITIES: &str = "new york city,nyc,los angeles,chicago,houston,phoenix,philadelphia,san antonio,san diego,dallas,\
san jose,austin,jacksonville,san francisco,columbus,fort worth,charlotte,detroit,el paso,memphis,seattle,denver,\
boston,nashville,baltimore,oklahoma city,portland,las vegas,vegas,louisville,milwaukee,albuquerque,tucson,fresno,\
sacramento,kansas city,atlanta,miami,omaha,raleigh,cleveland,minneapolis,tulsa,oakland,tampa,tampa bay,\
new orleans,honolulu,pittsburgh,cincinnati,st. louis,saint louis,orlando,buffalo,newark,anchorage,salt lake city,\
richmond,boise,spokane,des moines,birmingham,rochester,hartford,providence,albany,madison,annapolis,\
charleston,savannah,santa fe,santa monica,santa barbara,palo alto,berkeley,hollywood,brooklyn,manhattan,queens,\
bronx,harlem,long island,washington dc,washington d.c.,d.c.,dc,london,paris,berlin,madrid,rome,milan,venice,\
florence,naples,lisbon,barcelona,amsterdam,brussels,vienna,prague,budapest,warsaw,moscow,st. petersburg,kiev,\
kyiv,athens,istanbul,ankara,stockholm,oslo,copenhagen,helsinki,dublin,edinburgh,glasgow,manchester,liverpool,\
oxford,cambridge,geneva,zurich,munich,frankfurt,hamburg,cologne,marseille,lyon,tokyo,osaka,kyoto,beijing,\
shanghai,hong kong,seoul,pyongyang,taipei,bangkok,hanoi,saigon,ho chi minh city,manila,jakarta,bali,\
kuala lumpur,singapore,delhi,new delhi,mumbai,bombay,calcutta,kolkata,bangalore,chennai,madras,hyderabad,\
karachi,lahore,islamabad,kabul,kandahar,tehran,baghdad,basra,fallujah,mosul,damascus,beirut,jerusalem,\
tel aviv,gaza,amman,riyadh,mecca,medina,dubai,abu dhabi,doha,cairo,alexandria,khartoum,nairobi,lagos,\
johannesburg,cape town,casablanca,tripoli,algiers,tunis,addis ababa,mogadishu,sydney,melbourne,brisbane,perth,\
adelaide,auckland,wellington,toronto,montreal,vancouver,ottawa,calgary,edmonton,winnipeg,mexico city,\
tijuana,cancun,guadalajara,havana,rio,rio de janeiro,sao paulo,buenos aires,lima,bogota,caracas,santiago,\
quito,panama city,san juan,kingston,nassau,geneva,the hague,rotterdam,antwerp,belfast,cardiff,bristol,leeds,\
sheffield,nottingham,newcastle,brighton,dover,heathrow";

const REGIONS: &str = "africa,asia,europe,antarctica,australia,north america,south america,latin america,\
central america,the americas,middle east,the middle east,far east,east asia,southeast asia,south asia,\
central asia,eastern europe,western europe,scandinavia,balkans,the balkans,caribbean,the caribbean,\
mediterranean,the mediterranean,persian gulf,the gulf,gulf coast,west coast,east coast,midwest,the midwest,\
new england,the south,pacific,atlantic,the pacific,the atlantic,pacific ocean,atlantic ocean,indian ocean,\
arctic,himalayas,alps,the alps,andes,rockies,sahara,amazon,nile,mississippi river,great lakes,silicon valley,\
wall street,capitol hill,west bank,gaza strip,sinai,kashmir,iberia,siberia,outback,everest,grand canyon,\
yellowstone,niagara falls,hawaii,florida keys,earth,mars,moon";

const GIVEN_NAMES: &str = "james,john,robert,michael,william,david,richard,joseph,thomas,charles,christopher,daniel,\
matthew,anthony,mark,donald,steven,steve,paul,andrew,joshua,kenneth,ken,kevin,brian,george,timothy,tim,ronald,\
edward,jason,jeffrey,jeff,ryan,jacob,gary,nicholas,nick,eric,jonathan,stephen,larry,justin,scott,brandon,benjamin,\
ben,samuel,sam,gregory,greg,frank,alexander,alex,raymond,patrick,jack,dennis,jerry,tyler,aaron,jose,adam,henry,\
nathan,douglas,doug,zachary,peter,pete,kyle,walter,ethan,jeremy,harold,keith,christian,roger,noah,gerald,carl,\
terry,sean,austin,arthur,lawrence,jesse,dylan,bryan,joe,jordan,billy,bill,bruce,albert,willie,gabriel,logan,alan,\
juan,wayne,roy,ralph,randy,eugene,vincent,russell,elijah,louis,bobby,bob,philip,phil,johnny,mike,dave,chris,tom,\
jim,jimmy,tony,rick,dan,danny,matt,andy,fred,ted,ed,joel,barry,howard,martin,leonard,stan,ray,lou,vince,greg,\
barack,hillary,vladimir,saddam,osama,tony,gordon,nelson,mohammed,muhammad,ahmed,ali,omar,hassan,abdul,\
mary,patricia,jennifer,linda,elizabeth,barbara,susan,jessica,sarah,karen,nancy,lisa,betty,margaret,sandra,\
ashley,kimberly,kim,emily,donna,michelle,dorothy,carol,amanda,melissa,deborah,stephanie,rebecca,sharon,laura,\
cynthia,kathleen,kathy,amy,shirley,angela,helen,anna,brenda,pamela,pam,nicole,emma,samantha,katherine,kate,\
christine,debra,rachel,catherine,carolyn,janet,ruth,maria,heather,diane,virginia,julie,joyce,victoria,olivia,\
kelly,christina,lauren,joan,evelyn,judith,megan,cheryl,andrea,hannah,martha,jacqueline,frances,gloria,ann,anne,\
teresa,kathryn,sara,janice,jean,alice,madison,doris,abigail,julia,judy,grace,denise,amber,marilyn,beverly,\
danielle,theresa,sophia,marie,diana,brittany,natalie,isabella,charlotte,rose,alexis,kayla,jane,jenny,sally,\
susie,sue,liz,beth,meg,peggy,wendy,tina,tracy,stacy,holly,jill,erin,jamie,dana,leslie,tara,monica,erica,\
vanessa,veronica,carmen,rosa,ana,sonia,lucy,ellen,sylvia,paula,eva,irene,claire,louise,nina,vicki,sheila,\
kristin,kristen,lindsay,allison,april,tiffany,crystal,courtney,molly,jenna,kari,kris,pat,sandy,terri,cathy";

const SURNAMES: &str = "smith,johnson,williams,brown,jones,miller,davis,garcia,rodriguez,wilson,martinez,anderson,\
taylor,thomas,hernandez,moore,martin,jackson,thompson,white,lopez,lee,gonzalez,harris,clark,lewis,robinson,\
walker,perez,hall,young,allen,sanchez,wright,king,scott,green,baker,adams,nelson,hill,ramirez,campbell,mitchell,\
roberts,carter,phillips,evans,turner,torres,parker,collins,edwards,stewart,flores,morris,nguyen,murphy,rivera,\
cook,rogers,morgan,peterson,cooper,reed,bailey,bell,gomez,kelly,howard,ward,cox,diaz,richardson,wood,watson,\
brooks,bennett,gray,james,reyes,cruz,hughes,price,myers,long,foster,sanders,ross,morales,powell,sullivan,russell,\
ortiz,jenkins,gutierrez,perry,butler,barnes,fisher,henderson,coleman,simmons,patterson,jordan,reynolds,hamilton,\
graham,kim,gonzales,alexander,ramos,wallace,griffin,west,cole,hayes,chavez,gibson,bryant,ellis,stevens,murray,\
ford,marshall,owens,mcdonald,harrison,ruiz,kennedy,wells,alvarez,woods,mendoza,castillo,olson,webb,washington,\
tucker,freeman,burns,henry,vasquez,snyder,simpson,crawford,jimenez,porter,mason,shaw,gordon,wagner,hunter,\
romero,hicks,dixon,hunt,palmer,robertson,black,holmes,stone,meyer,boyd,mills,warren,fox,rose,rice,moreno,\
schmidt,patel,ferguson,nichols,herrera,medina,ryan,fernandez,weaver,daniels,stephens,gardner,payne,kelley,\
dunn,pierce,arnold,tran,spencer,peters,hawkins,grant,hansen,castro,hoffman,hart,elliott,cunningham,knight,\
bradley,bush,obama,clinton,cheney,rumsfeld,blair,putin,hussein,bin laden,mccain,kerry,gore,reagan,nixon,\
lincoln,kennedy,roosevelt,carter,biden,pelosi,rice,powell,chirac,sarkozy,merkel,berlusconi,arafat,sharon,\
netanyahu,chavez,castro,mandela,gandhi,einstein,shakespeare,skilling,fastow";

const ORGANISATIONS: &str = "google,yahoo,microsoft,apple,ibm,intel,amazon,ebay,paypal,facebook,myspace,youtube,\
twitter,wikipedia,netflix,aol,msn,hotmail,gmail,skype,oracle,cisco,dell,hp,hewlett packard,sony,nintendo,samsung,\
nokia,motorola,verizon,at&t,sprint,t-mobile,comcast,time warner,disney,walmart,wal-mart,target,costco,sears,\
kmart,best buy,home depot,lowe's,starbucks,mcdonald's,mcdonalds,burger king,wendy's,kfc,subway,pizza hut,\
coca cola,coca-cola,coke,pepsi,nike,adidas,ford,gm,general motors,chrysler,toyota,honda,nissan,bmw,volkswagen,\
mercedes,boeing,exxon,chevron,shell,bp,enron,dynegy,worldcom,goldman sachs,morgan stanley,merrill lynch,\
jp morgan,citibank,citigroup,bank of america,wells fargo,chase,aig,fannie mae,freddie mac,visa,mastercard,\
american express,fedex,ups,usps,amtrak,united airlines,american airlines,delta,southwest,continental,\
cnn,bbc,fox,fox news,nbc,abc,cbs,pbs,npr,msnbc,espn,hbo,mtv,reuters,ap,associated press,new york times,\
washington post,wall street journal,usa today,la times,the guardian,the times,the economist,time magazine,\
newsweek,al jazeera,al-jazeera,fbi,cia,nsa,nasa,fda,epa,irs,fema,dhs,pentagon,white house,congress,senate,\
house of representatives,supreme court,state department,defense department,justice department,un,u.n.,\
united nations,nato,eu,european union,imf,world bank,wto,opec,red cross,greenpeace,amnesty international,\
al qaeda,al-qaeda,taliban,hamas,hezbollah,hizbollah,plo,ira,kgb,mi6,interpol,democrats,republicans,\
democratic party,republican party,labour,labour party,conservative party,tories,gop,harvard,yale,princeton,\
stanford,mit,oxford university,cambridge university,ucla,usc,nyu,berkeley,columbia university,nfl,nba,mlb,\
nhl,fifa,ncaa,olympics,yankees,red sox,lakers,cowboys,patriots,astros,rockets,ferc,cpuc,caiso,\
kinder morgan,pg&e,edison,duke energy,el paso,reliant,calpine";

const ORGANISATION_WORDS: &str = "inc,inc.,corp,corp.,corporation,co,co.,company,ltd,ltd.,llc,llp,plc,gmbh,group,\
holdings,partners,associates,enterprises,industries,international,technologies,systems,solutions,services,\
university,college,institute,school,academy,association,society,foundation,federation,union,council,committee,\
commission,board,agency,administration,department,ministry,bureau,office,authority,organization,organisation,\
party,church,club,team,league,bank,hospital,clinic,center,centre,museum,library,airlines,airways,motors,\
electric,energy,power,press,news,times,post,journal,magazine,network,studios,records,pictures,bancorp,capital,\
fund,trust,insurance,pharmaceuticals,communications,media,restaurant,cafe,hotel,inn,salon,spa,store,shop,\
market,gallery,theatre,theater";

const PLACE_WORDS: &str = "street,st,st.,avenue,ave,ave.,road,rd,rd.,boulevard,blvd,lane,drive,dr.,highway,\
freeway,route,square,plaza,park,river,lake,mountain,mountains,mount,mt,mt.,valley,island,islands,beach,bay,\
coast,canyon,county,city,town,village,province,state,district,region,peninsula,desert,ocean,sea,gulf,falls,\
springs,heights,hills,hill,harbor,harbour,port,airport,station,bridge,tower,center,centre";

const PERSON_TITLES: &str = "mr,mr.,mrs,mrs.,ms,ms.,miss,dr,dr.,prof,prof.,professor,sir,lady,lord,dame,mister,\
president,vice president,senator,sen.,sen,rep.,congressman,congresswoman,governor,gov.,mayor,judge,justice,\
minister,prime minister,chancellor,secretary,ambassador,general,gen.,colonel,col.,captain,capt.,lieutenant,\
lt.,sergeant,sgt.,officer,detective,king,queen,prince,princess,pope,father,fr.,rev.,reverend,bishop,rabbi,\
imam,sheikh,ayatollah,chairman,ceo,coach,uncle,aunt,saint,st.,jr,jr.,sr,sr.";

const NATIONALITIES: &str = "american,americans,british,english,french,german,germans,italian,spanish,mexican,\
mexicans,canadian,canadians,chinese,japanese,korean,russian,russians,indian,indians,pakistani,iraqi,iraqis,\
iranian,afghan,israeli,israelis,palestinian,palestinians,arab,arabs,arabic,saudi,saudis,egyptian,turkish,\
greek,dutch,swedish,norwegian,danish,finnish,polish,irish,scottish,welsh,australian,australians,african,\
africans,asian,asians,european,europeans,latin,latino,latina,hispanic,brazilian,argentinian,argentine,\
cuban,cubans,vietnamese,thai,filipino,indonesian,muslim,muslims,christian,christians,jewish,jew,jews,\
catholic,catholics,protestant,islamic,hindu,buddhist,sunni,shia,shiite,kurdish,kurds,western,westerners,\
communist,communists,democrat,republican,liberal,conservative,persian,korean,swiss,belgian,austrian,hungarian,\
ukrainian,serbian,croatian,bosnian,somali,nigerian,kenyan,ethiopian,haitian,jamaican,colombian,venezuelan,\
peruvian,chilean,texan,californian,new yorker";

const ORDINARY_CAPITALISED: &str = "january,february,march,april,may,june,july,august,september,october,november,\
december,jan,feb,mar,apr,jun,jul,aug,sep,sept,oct,nov,dec,monday,tuesday,wednesday,thursday,friday,saturday,\
sunday,mon,tue,tues,wed,thu,thur,thurs,fri,sat,sun,christmas,easter,thanksgiving,halloween,ramadan,\
hanukkah,new year,new year's,valentine's day,memorial day,labor day,independence day,i,i'm,i'll,ok,okay,god,\
english,spanish,french,german,chinese,japanese,internet,web,tv,dvd,cd,pc,mac,iphone,ipod,windows,linux,\
pm,am,a.m.,p.m.,usd,eur,faq,lol,omg,thanks,hi,hello,dear,regards,please,yes,no";

/// Every list with its entries.
const LISTS: [(List, &str); N_LISTS] = [
    (List::Country, COUNTRIES),
    (List::State, STATES),
    (List::City, CITIES),
    (List::Region, REGIONS),
    (List::GivenName, GIVEN_NAMES),
    (List::Surname, SURNAMES),
    (List::Organisation, ORGANISATIONS),
    (List::OrganisationWord, ORGANISATION_WORDS),
    (List::PlaceWord, PLACE_WORDS),
    (List::PersonTitle, PERSON_TITLES),
    (List::Nationality, NATIONALITIES),
    (List::OrdinaryCapitalised, ORDINARY_CAPITALISED),
];

/// Where a word sits in a phrase a list matched (BILOU positions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Begin = 0,
    Inside = 1,
    Last = 2,
    Unit = 3,
}

/// The bit that says "the word is at `position` of a phrase of `list`".
pub const fn match_bit(list: List, position: Position) -> u64 {
    1 << (list as u32 * 4 + position as u32)
}

/// The bits of a word that say it is in some phrase of `list`, at any position.
pub const fn list_bits(list: List) -> u64 {
    0b1111 << (list as u32 * 4)
}

/// Hashes a phrase one word hash at a time, the same way for the lists and
/// for a sentence's words.
#[inline]
pub fn extend_phrase_key(key: u64, word_hash: u64) -> u64 {
    mix(key, word_hash)
}

/// The key of a phrase before its first word.
pub const PHRASE_KEY_START: u64 = 0x6a09_e667_f3bc_c908;

/// A hasher for keys that are already hashes.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

type PhraseTable = HashMap<u64, u16, BuildHasherDefault<IdentityHasher>>;

/// Phrase key → bit set of the lists (bit = `List as u16`) holding it, built
/// once. Keys of phrase prefixes are there too with no list bits, so a
/// search can stop as soon as no phrase continues.
fn table() -> &'static PhraseTable {
    static TABLE: OnceLock<PhraseTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = PhraseTable::default();
        for (list, entries) in LISTS {
            for entry in entries.split(',') {
                let words: Vec<&str> = entry.split_whitespace().collect();
                if words.is_empty() || words.len() > MAX_PHRASE_WORDS {
                    continue;
                }
                let mut key = PHRASE_KEY_START;
                for (word_idx, word) in words.iter().enumerate() {
                    key = extend_phrase_key(key, crate::perceptron::hash_str(word));
                    let bits = table.entry(key).or_insert(0);
                    if word_idx + 1 == words.len() {
                        *bits |= 1 << (list as u16);
                    }
                }
            }
        }
        table
    })
}

/// Marks every word of a sentence with the list phrases it is part of.
/// `lower_hashes[i]` is [`crate::perceptron::hash_str`] of word `i`
/// lowercased; `marks[i]` gets the [`match_bit`]s of every match covering
/// word `i` (all matches, not only the longest, so `new york city` marks
/// `new york` as a state too).
pub fn mark(lower_hashes: &[u64], marks: &mut [u64]) {
    let table = table();
    for mark in marks.iter_mut() {
        *mark = 0;
    }
    for start in 0..lower_hashes.len() {
        let mut key = PHRASE_KEY_START;
        let longest = MAX_PHRASE_WORDS.min(lower_hashes.len() - start);
        for length in 1..=longest {
            key = extend_phrase_key(key, lower_hashes[start + length - 1]);
            let Some(&lists) = table.get(&key) else {
                break;
            };
            if lists == 0 {
                continue;
            }
            for list_idx in 0..N_LISTS {
                if lists & (1 << list_idx) == 0 {
                    continue;
                }
                let shift = list_idx as u32 * 4;
                if length == 1 {
                    marks[start] |= 1 << (shift + Position::Unit as u32);
                    continue;
                }
                marks[start] |= 1 << (shift + Position::Begin as u32);
                for mark in &mut marks[start + 1..start + length - 1] {
                    *mark |= 1 << (shift + Position::Inside as u32);
                }
                marks[start + length - 1] |= 1 << (shift + Position::Last as u32);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perceptron::hash_str;

    fn marks_of(words: &[&str]) -> Vec<u64> {
        let hashes: Vec<u64> = words.iter().map(|word| hash_str(word)).collect();
        let mut marks = vec![0; words.len()];
        mark(&hashes, &mut marks);
        marks
    }

    #[test]
    fn single_words_and_phrases_are_marked_with_their_positions() {
        let marks = marks_of(&["flights", "from", "new", "york", "city", "to", "paris"]);
        assert_eq!(marks[0], 0);
        assert_ne!(marks[2] & match_bit(List::City, Position::Begin), 0);
        assert_ne!(marks[3] & match_bit(List::City, Position::Inside), 0);
        assert_ne!(marks[4] & match_bit(List::City, Position::Last), 0);
        assert_ne!(
            marks[2] & match_bit(List::State, Position::Begin),
            0,
            "new york, the state"
        );
        assert_ne!(marks[3] & match_bit(List::State, Position::Last), 0);
        assert_ne!(marks[6] & match_bit(List::City, Position::Unit), 0);
        assert_eq!(marks[5], 0);
    }

    #[test]
    fn a_phrase_cut_short_by_the_sentence_end_is_not_a_match() {
        let marks = marks_of(&["in", "sri"]);
        assert_eq!(marks, [0, 0]);
        assert_eq!(marks_of(&[]), Vec::<u64>::new());
    }
}

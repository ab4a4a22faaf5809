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

const COUNTRIES: &str = "afghanistan,albania,algeria,andorra,angola,argentina,armenia,australia,austria,azerbaijan,bahamas,bahrain,bangladesh,barbados,belarus,belgium,belize,benin,bhutan,bolivia,bosnia,botswana,brazil,brunei,bulgaria,burma,burundi,cambodia,cameroon,canada,chad,chile,china,colombia,congo,costa rica,croatia,cuba,cyprus,czech republic,czechoslovakia,denmark,djibouti,dominican republic,ecuador,egypt,el salvador,england,eritrea,estonia,ethiopia,fiji,finland,france,gabon,gambia,georgia,germany,ghana,great britain,britain,greece,grenada,guatemala,guinea,guyana,haiti,holland,honduras,hungary,iceland,india,indonesia,iran,iraq,ireland,israel,italy,ivory coast,jamaica,japan,jordan,kazakhstan,kenya,korea,north korea,south korea,kosovo,kuwait,kyrgyzstan,laos,latvia,lebanon,lesotho,liberia,libya,liechtenstein,lithuania,luxembourg,macedonia,madagascar,malawi,malaysia,maldives,mali,malta,mauritania,mauritius,mexico,moldova,monaco,mongolia,montenegro,morocco,mozambique,myanmar,namibia,nepal,netherlands,the netherlands,new zealand,nicaragua,niger,nigeria,norway,oman,pakistan,palestine,panama,papua new guinea,paraguay,peru,philippines,the philippines,poland,portugal,qatar,romania,russia,rwanda,saudi arabia,scotland,senegal,serbia,sierra leone,singapore,slovakia,slovenia,somalia,south africa,soviet union,ussr,spain,sri lanka,sudan,suriname,swaziland,sweden,switzerland,syria,taiwan,tajikistan,tanzania,thailand,tibet,togo,tonga,trinidad,tunisia,turkey,turkmenistan,uganda,ukraine,united arab emirates,uae,united kingdom,uk,u.k.,united states,united states of america,usa,u.s.a.,u.s.,america,uruguay,uzbekistan,venezuela,vietnam,viet nam,wales,yemen,yugoslavia,zambia,zimbabwe,puerto rico,greenland,hong kong,macau,vatican,kurdistan,chechnya,darfur";

const STATES: &str = "alabama,alaska,arizona,arkansas,california,colorado,connecticut,delaware,florida,hawaii,idaho,illinois,indiana,iowa,kansas,kentucky,louisiana,maine,maryland,massachusetts,michigan,minnesota,mississippi,missouri,montana,nebraska,nevada,new hampshire,new jersey,new mexico,new york,north carolina,north dakota,ohio,oklahoma,oregon,pennsylvania,rhode island,south carolina,south dakota,tennessee,texas,utah,vermont,virginia,washington,west virginia,wisconsin,wyoming,ny,nj,tx,fl,nc,sc,va,wa,mi,ga,az,md,mn,ontario,quebec,british columbia,alberta,manitoba,saskatchewan,nova scotia,new brunswick,newfoundland,yukon,bavaria,catalonia,punjab,kashmir,bengal,kerala,siberia,queensland,tasmania,victoria,new south wales,guam";

const CITIES: &str = "new york city,nyc,los angeles,chicago,houston,phoenix,philadelphia,san antonio,san diego,dallas,san jose,austin,jacksonville,san francisco,columbus,fort worth,charlotte,detroit,el paso,memphis,seattle,denver,boston,nashville,baltimore,oklahoma city,portland,las vegas,vegas,louisville,milwaukee,albuquerque,tucson,fresno,sacramento,kansas city,atlanta,miami,omaha,raleigh,cleveland,minneapolis,tulsa,oakland,tampa,tampa bay,new orleans,honolulu,pittsburgh,cincinnati,st. louis,saint louis,orlando,buffalo,newark,anchorage,salt lake city,richmond,boise,spokane,des moines,birmingham,rochester,hartford,providence,albany,madison,annapolis,charleston,savannah,santa fe,santa monica,santa barbara,palo alto,berkeley,hollywood,brooklyn,manhattan,queens,bronx,harlem,long island,washington dc,washington d.c.,d.c.,dc,london,paris,berlin,madrid,rome,milan,venice,florence,naples,lisbon,barcelona,amsterdam,brussels,vienna,prague,budapest,warsaw,moscow,st. petersburg,kiev,kyiv,athens,istanbul,ankara,stockholm,oslo,copenhagen,helsinki,dublin,edinburgh,glasgow,manchester,liverpool,oxford,cambridge,geneva,zurich,munich,frankfurt,hamburg,cologne,marseille,lyon,tokyo,osaka,kyoto,beijing,shanghai,hong kong,seoul,pyongyang,taipei,bangkok,hanoi,saigon,ho chi minh city,manila,jakarta,bali,kuala lumpur,singapore,delhi,new delhi,mumbai,bombay,calcutta,kolkata,bangalore,chennai,madras,hyderabad,karachi,lahore,islamabad,kabul,kandahar,tehran,baghdad,basra,fallujah,mosul,damascus,beirut,jerusalem,tel aviv,gaza,amman,riyadh,mecca,medina,dubai,abu dhabi,doha,cairo,alexandria,khartoum,nairobi,lagos,johannesburg,cape town,casablanca,tripoli,algiers,tunis,addis ababa,mogadishu,sydney,melbourne,brisbane,perth,adelaide,auckland,wellington,toronto,montreal,vancouver,ottawa,calgary,edmonton,winnipeg,mexico city,tijuana,cancun,guadalajara,havana,rio,rio de janeiro,sao paulo,buenos aires,lima,bogota,caracas,santiago,quito,panama city,san juan,kingston,nassau,geneva,the hague,rotterdam,antwerp,belfast,cardiff,bristol,leeds,sheffield,nottingham,newcastle,brighton,dover,heathrow";

const REGIONS: &str = "africa,asia,europe,antarctica,australia,north america,south america,latin america,central america,the americas,middle east,the middle east,far east,east asia,southeast asia,south asia,central asia,eastern europe,western europe,scandinavia,balkans,the balkans,caribbean,the caribbean,mediterranean,the mediterranean,persian gulf,the gulf,gulf coast,west coast,east coast,midwest,the midwest,new england,the south,pacific,atlantic,the pacific,the atlantic,pacific ocean,atlantic ocean,indian ocean,arctic,himalayas,alps,the alps,andes,rockies,sahara,amazon,nile,mississippi river,great lakes,silicon valley,wall street,capitol hill,west bank,gaza strip,sinai,kashmir,iberia,siberia,outback,everest,grand canyon,yellowstone,niagara falls,hawaii,florida keys,earth,mars,moon";

const GIVEN_NAMES: &str = "james,john,robert,michael,william,david,richard,joseph,thomas,charles,christopher,daniel,matthew,anthony,mark,donald,steven,steve,paul,andrew,joshua,kenneth,ken,kevin,brian,george,timothy,tim,ronald,edward,jason,jeffrey,jeff,ryan,jacob,gary,nicholas,nick,eric,jonathan,stephen,larry,justin,scott,brandon,benjamin,ben,samuel,sam,gregory,greg,frank,alexander,alex,raymond,patrick,jack,dennis,jerry,tyler,aaron,jose,adam,henry,nathan,douglas,doug,zachary,peter,pete,kyle,walter,ethan,jeremy,harold,keith,christian,roger,noah,gerald,carl,terry,sean,austin,arthur,lawrence,jesse,dylan,bryan,joe,jordan,billy,bill,bruce,albert,willie,gabriel,logan,alan,juan,wayne,roy,ralph,randy,eugene,vincent,russell,elijah,louis,bobby,bob,philip,phil,johnny,mike,dave,chris,tom,jim,jimmy,tony,rick,dan,danny,matt,andy,fred,ted,ed,joel,barry,howard,martin,leonard,stan,ray,lou,vince,greg,barack,hillary,vladimir,saddam,osama,tony,gordon,nelson,mohammed,muhammad,ahmed,ali,omar,hassan,abdul,mary,patricia,jennifer,linda,elizabeth,barbara,susan,jessica,sarah,karen,nancy,lisa,betty,margaret,sandra,ashley,kimberly,kim,emily,donna,michelle,dorothy,carol,amanda,melissa,deborah,stephanie,rebecca,sharon,laura,cynthia,kathleen,kathy,amy,shirley,angela,helen,anna,brenda,pamela,pam,nicole,emma,samantha,katherine,kate,christine,debra,rachel,catherine,carolyn,janet,ruth,maria,heather,diane,virginia,julie,joyce,victoria,olivia,kelly,christina,lauren,joan,evelyn,judith,megan,cheryl,andrea,hannah,martha,jacqueline,frances,gloria,ann,anne,teresa,kathryn,sara,janice,jean,alice,madison,doris,abigail,julia,judy,grace,denise,amber,marilyn,beverly,danielle,theresa,sophia,marie,diana,brittany,natalie,isabella,charlotte,rose,alexis,kayla,jane,jenny,sally,susie,sue,liz,beth,meg,peggy,wendy,tina,tracy,stacy,holly,jill,erin,jamie,dana,leslie,tara,monica,erica,vanessa,veronica,carmen,rosa,ana,sonia,lucy,ellen,sylvia,paula,eva,irene,claire,louise,nina,vicki,sheila,kristin,kristen,lindsay,allison,april,tiffany,crystal,courtney,molly,jenna,kari,kris,pat,sandy,terri,cathy";

const SURNAMES: &str = "smith,johnson,williams,brown,jones,miller,davis,garcia,rodriguez,wilson,martinez,anderson,taylor,thomas,hernandez,moore,martin,jackson,thompson,white,lopez,lee,gonzalez,harris,clark,lewis,robinson,walker,perez,hall,young,allen,sanchez,wright,king,scott,green,baker,adams,nelson,hill,ramirez,campbell,mitchell,roberts,carter,phillips,evans,turner,torres,parker,collins,edwards,stewart,flores,morris,nguyen,murphy,rivera,cook,rogers,morgan,peterson,cooper,reed,bailey,bell,gomez,kelly,howard,ward,cox,diaz,richardson,wood,watson,brooks,bennett,gray,james,reyes,cruz,hughes,price,myers,long,foster,sanders,ross,morales,powell,sullivan,russell,ortiz,jenkins,gutierrez,perry,butler,barnes,fisher,henderson,coleman,simmons,patterson,jordan,reynolds,hamilton,graham,kim,gonzales,alexander,ramos,wallace,griffin,west,cole,hayes,chavez,gibson,bryant,ellis,stevens,murray,ford,marshall,owens,mcdonald,harrison,ruiz,kennedy,wells,alvarez,woods,mendoza,castillo,olson,webb,washington,tucker,freeman,burns,henry,vasquez,snyder,simpson,crawford,jimenez,porter,mason,shaw,gordon,wagner,hunter,romero,hicks,dixon,hunt,palmer,robertson,black,holmes,stone,meyer,boyd,mills,warren,fox,rose,rice,moreno,schmidt,patel,ferguson,nichols,herrera,medina,ryan,fernandez,weaver,daniels,stephens,gardner,payne,kelley,dunn,pierce,arnold,tran,spencer,peters,hawkins,grant,hansen,castro,hoffman,hart,elliott,cunningham,knight,bradley,bush,obama,clinton,cheney,rumsfeld,blair,putin,hussein,bin laden,mccain,kerry,gore,reagan,nixon,lincoln,kennedy,roosevelt,carter,biden,pelosi,rice,powell,chirac,sarkozy,merkel,berlusconi,arafat,sharon,netanyahu,chavez,castro,mandela,gandhi,einstein,shakespeare,skilling,fastow";

const ORGANISATIONS: &str = "google,yahoo,microsoft,apple,ibm,intel,amazon,ebay,paypal,facebook,myspace,youtube,twitter,wikipedia,netflix,aol,msn,hotmail,gmail,skype,oracle,cisco,dell,hp,hewlett packard,sony,nintendo,samsung,nokia,motorola,verizon,at&t,sprint,t-mobile,comcast,time warner,disney,walmart,wal-mart,target,costco,sears,kmart,best buy,home depot,lowe's,starbucks,mcdonald's,mcdonalds,burger king,wendy's,kfc,subway,pizza hut,coca cola,coca-cola,coke,pepsi,nike,adidas,ford,gm,general motors,chrysler,toyota,honda,nissan,bmw,volkswagen,mercedes,boeing,exxon,chevron,shell,bp,enron,dynegy,worldcom,goldman sachs,morgan stanley,merrill lynch,jp morgan,citibank,citigroup,bank of america,wells fargo,chase,aig,fannie mae,freddie mac,visa,mastercard,american express,fedex,ups,usps,amtrak,united airlines,american airlines,delta,southwest,continental,cnn,bbc,fox,fox news,nbc,abc,cbs,pbs,npr,msnbc,espn,hbo,mtv,reuters,ap,associated press,new york times,washington post,wall street journal,usa today,la times,the guardian,the times,the economist,time magazine,newsweek,al jazeera,al-jazeera,fbi,cia,nsa,nasa,fda,epa,irs,fema,dhs,pentagon,white house,congress,senate,house of representatives,supreme court,state department,defense department,justice department,un,u.n.,united nations,nato,eu,european union,imf,world bank,wto,opec,red cross,greenpeace,amnesty international,al qaeda,al-qaeda,taliban,hamas,hezbollah,hizbollah,plo,ira,kgb,mi6,interpol,democrats,republicans,democratic party,republican party,labour,labour party,conservative party,tories,gop,harvard,yale,princeton,stanford,mit,oxford university,cambridge university,ucla,usc,nyu,berkeley,columbia university,nfl,nba,mlb,nhl,fifa,ncaa,olympics,yankees,red sox,lakers,cowboys,patriots,astros,rockets,ferc,cpuc,caiso,kinder morgan,pg&e,edison,duke energy,el paso,reliant,calpine";

const ORGANISATION_WORDS: &str = "inc,inc.,corp,corp.,corporation,co,co.,company,ltd,ltd.,llc,llp,plc,gmbh,group,holdings,partners,associates,enterprises,industries,international,technologies,systems,solutions,services,university,college,institute,school,academy,association,society,foundation,federation,union,council,committee,commission,board,agency,administration,department,ministry,bureau,office,authority,organization,organisation,party,church,club,team,league,bank,hospital,clinic,center,centre,museum,library,airlines,airways,motors,electric,energy,power,press,news,times,post,journal,magazine,network,studios,records,pictures,bancorp,capital,fund,trust,insurance,pharmaceuticals,communications,media,restaurant,cafe,hotel,inn,salon,spa,store,shop,market,gallery,theatre,theater";

const PLACE_WORDS: &str = "street,st,st.,avenue,ave,ave.,road,rd,rd.,boulevard,blvd,lane,drive,dr.,highway,freeway,route,square,plaza,park,river,lake,mountain,mountains,mount,mt,mt.,valley,island,islands,beach,bay,coast,canyon,county,city,town,village,province,state,district,region,peninsula,desert,ocean,sea,gulf,falls,springs,heights,hills,hill,harbor,harbour,port,airport,station,bridge,tower,center,centre";

const PERSON_TITLES: &str = "mr,mr.,mrs,mrs.,ms,ms.,miss,dr,dr.,prof,prof.,professor,sir,lady,lord,dame,mister,president,vice president,senator,sen.,sen,rep.,congressman,congresswoman,governor,gov.,mayor,judge,justice,minister,prime minister,chancellor,secretary,ambassador,general,gen.,colonel,col.,captain,capt.,lieutenant,lt.,sergeant,sgt.,officer,detective,king,queen,prince,princess,pope,father,fr.,rev.,reverend,bishop,rabbi,imam,sheikh,ayatollah,chairman,ceo,coach,uncle,aunt,saint,st.,jr,jr.,sr,sr.";

const NATIONALITIES: &str = "american,americans,british,english,french,german,germans,italian,spanish,mexican,mexicans,canadian,canadians,chinese,japanese,korean,russian,russians,indian,indians,pakistani,iraqi,iraqis,iranian,afghan,israeli,israelis,palestinian,palestinians,arab,arabs,arabic,saudi,saudis,egyptian,turkish,greek,dutch,swedish,norwegian,danish,finnish,polish,irish,scottish,welsh,australian,australians,african,africans,asian,asians,european,europeans,latin,latino,latina,hispanic,brazilian,argentinian,argentine,cuban,cubans,vietnamese,thai,filipino,indonesian,muslim,muslims,christian,christians,jewish,jew,jews,catholic,catholics,protestant,islamic,hindu,buddhist,sunni,shia,shiite,kurdish,kurds,western,westerners,communist,communists,democrat,republican,liberal,conservative,persian,korean,swiss,belgian,austrian,hungarian,ukrainian,serbian,croatian,bosnian,somali,nigerian,kenyan,ethiopian,haitian,jamaican,colombian,venezuelan,peruvian,chilean,texan,californian,new yorker";

const ORDINARY_CAPITALISED: &str = "january,february,march,april,may,june,july,august,september,october,november,december,jan,feb,mar,apr,jun,jul,aug,sep,sept,oct,nov,dec,monday,tuesday,wednesday,thursday,friday,saturday,sunday,mon,tue,tues,wed,thu,thur,thurs,fri,sat,sun,christmas,easter,thanksgiving,halloween,ramadan,hanukkah,new year,new year's,valentine's day,memorial day,labor day,independence day,i,i'm,i'll,ok,okay,god,english,spanish,french,german,chinese,japanese,internet,web,tv,dvd,cd,pc,mac,iphone,ipod,windows,linux,pm,am,a.m.,p.m.,usd,eur,faq,lol,omg,thanks,hi,hello,dear,regards,please,yes,no";

const GIVEN_NAMES_MORE: &str = "aaron,abby,abe,abraham,ada,adrian,adriana,agnes,aidan,aileen,al,alana,alberto,alec,alejandro,alfred,alfredo,alicia,alison,allan,allen,alma,alvin,amanda,amelia,amos,amy,andre,andrea,andreas,andrei,andres,angel,angelica,angelina,angie,anita,ann,annabelle,annette,annie,antoine,antonio,archie,ariel,arlene,arnold,arturo,audrey,autumn,ava,barb,barney,beatrice,becky,belinda,benny,bernard,bernie,bert,bessie,beth,bethany,betsy,bette,beverly,bianca,blake,blanche,bonnie,brad,bradley,brady,brenda,brent,brett,brian,bridget,brittany,brooke,bruno,bryce,bud,buddy,caitlin,caleb,calvin,cameron,camille,candace,carla,carlos,carly,carmen,carole,caroline,carrie,casey,cassandra,cecil,cecilia,cedric,celia,chad,charlene,charlie,chase,chelsea,cheryl,chester,chloe,chuck,cindy,claire,clara,clarence,claude,claudia,clay,clayton,cliff,clifford,clint,clyde,cody,colin,colleen,connie,conrad,constance,cora,corey,craig,curt,curtis,daisy,dale,dallas,damian,damon,dana,darla,darlene,darrell,darren,darryl,daryl,dave,dawn,dean,debbie,deb,della,derek,derrick,desmond,devin,diego,dina,dino,dolores,dominic,don,donnie,dora,doreen,dorothy,dottie,drew,duane,dustin,dwayne,dwight,earl,eddie,edgar,edith,edmund,edna,eduardo,edwin,eileen,elaine,eleanor,elena,eli,elias,elise,ella,ellie,elliot,elliott,elmer,eloise,elsa,elsie,elvis,emilio,emily,emma,enrique,erik,ernest,ernie,esther,ethel,eugene,eva,evan,everett,fabian,faith,fatima,faye,felicia,felix,fernando,fiona,floyd,forrest,francis,francisco,frankie,franklin,freddie,frederick,gabriel,gabriela,gail,garrett,gavin,gene,geneva,genevieve,geoff,geoffrey,georgia,gerard,gilbert,gina,ginger,giovanni,gladys,glen,glenn,gordon,grady,graham,grant,gretchen,guillermo,gus,gwen,hal,haley,hank,harriet,harry,harvey,hazel,heath,hector,heidi,henri,herbert,herman,hilary,holly,homer,hope,horace,hugh,hugo,hunter,ian,ida,igor,inez,ingrid,ira,iris,irma,isaac,isabel,ivan,ivy,jackie,jackson,jake,janelle,janie,jared,jasmine,javier,jay,jean,jeanette,jeanne,jed,jenna,jennie,jerome,jess,jessie,jill,jo,joann,joanna,joanne,jodi,jody,joey,johanna,jon,jorge,josef,josephine,josh,joy,juanita,jules,julian,juliet,julio,june,justine,karl,kara,karla,kasey,katie,katrina,kay,keith,kelvin,ken,kendra,kenny,kent,kerry,kirk,kitty,kristina,kurt,kyle,lacey,lana,lance,lara,laurie,leah,lee,lena,leo,leon,leroy,les,lester,lila,lillian,lily,lindsey,lionel,liza,lloyd,lois,lola,lorena,lorenzo,loretta,lori,lorraine,lucas,lucia,luis,luke,luther,lydia,lyle,lynn,mabel,mac,mack,madeline,maggie,malcolm,mandy,manuel,marc,marco,marcus,margie,margo,mari,marian,marianne,mario,marion,marjorie,marla,marlene,marsha,marshall,marty,marvin,mathew,matthias,maureen,maurice,max,maxine,may,melanie,melinda,melvin,mercedes,merle,mia,micah,michele,mickey,miguel,mildred,miles,millie,milton,mindy,miranda,miriam,misty,mitch,mitchell,moe,mohammad,molly,mona,morgan,morris,moses,muriel,myra,myron,nadia,nancy,naomi,nat,natasha,neal,neil,nellie,nora,norma,norman,olga,oliver,ollie,opal,orlando,oscar,otis,otto,owen,pablo,patsy,patti,patty,paulette,pearl,pedro,penny,perry,preston,priscilla,rafael,ralph,ramon,randall,raul,reggie,regina,reginald,rene,renee,rex,rhonda,ricardo,rich,richie,rickey,ricky,rita,rob,robbie,roberta,roberto,robin,rochelle,rocky,rod,rodney,rodolfo,roland,rolando,ron,ronnie,rory,rosemary,ross,rowena,roxanne,ruben,rudolph,rudy,rufus,russ,rusty,sabrina,sadie,sal,sally,salvador,sammy,sandra,santiago,saul,seth,shane,shannon,shari,shaun,shawn,shelby,sheldon,shelley,sherri,sherry,sid,sidney,simon,simone,sonny,sophie,spencer,stacey,stanley,stella,stu,stuart,sue,summer,sybil,tabitha,tamara,tammy,tanya,ted,teddy,terrence,thelma,theo,theodore,tiffany,tobias,toby,todd,tommy,toni,tracey,travis,trent,trevor,troy,trudy,ursula,valerie,van,vera,vern,vernon,vic,vicky,vickie,victor,viola,violet,virgil,vivian,wade,wallace,walt,wanda,warren,wes,wesley,whitney,wilbur,wilma,winston,yolanda,yvonne,zach,zoe,akira,hiroshi,yuki,wei,li,ming,chen,raj,rahul,priya,amit,ravi,sanjay,vijay,anil,sunil,deepak,suresh,ramesh,mahmoud,yasser,hamid,karim,khalid,mustafa,ibrahim,yusuf,youssef,abdullah,hussein,saad,tariq,ayman,fatma,leila,layla,olaf,sven,lars,hans,klaus,jurgen,dieter,franz,pierre,jacques,jean-pierre,francois,michel,giuseppe,luigi,paolo,marco,sergio,vladislav,dmitri,boris,sergei,mikhail,natalia,svetlana,katarina,ivana,piotr,jan";

const CITIES_MORE: &str = "arlington,aurora,bakersfield,baton rouge,beverly hills,boulder,brownsville,burbank,cambridge,cedar rapids,chandler,chattanooga,clearwater,colorado springs,columbia,corpus christi,dayton,durham,el cajon,eugene,evanston,fargo,fayetteville,flint,fort lauderdale,fort myers,galveston,gainesville,garland,glendale,grand rapids,green bay,greensboro,greenville,henderson,hialeah,huntsville,indianapolis,irvine,jackson,jersey city,juneau,knoxville,lafayette,lancaster,lansing,laredo,lexington,lincoln,little rock,long beach,lubbock,macon,malibu,mesa,miami beach,mobile,modesto,montgomery,myrtle beach,naperville,napa,new haven,norfolk,ocala,ogden,olympia,palm beach,palm springs,pasadena,pensacola,peoria,plano,pomona,portland,princeton,provo,pueblo,reno,riverside,roanoke,rockford,salem,san bernardino,santa ana,santa clara,santa cruz,santa rosa,sarasota,scottsdale,shreveport,sioux falls,south bend,springfield,stamford,st. paul,saint paul,st. petersburg,stockton,syracuse,tacoma,tallahassee,tempe,toledo,topeka,trenton,tulsa,tuscaloosa,virginia beach,waco,wichita,wilmington,winston-salem,worcester,yonkers,aberdeen,bath,bonn,bordeaux,bruges,dresden,dusseldorf,stuttgart,leipzig,nice,cannes,seville,valencia,malaga,granada,porto,turin,genoa,bologna,palermo,verona,pisa,salzburg,innsbruck,krakow,gdansk,bucharest,sofia,belgrade,zagreb,sarajevo,ljubljana,bratislava,riga,tallinn,vilnius,minsk,odessa,reykjavik,bergen,gothenburg,malmo,tbilisi,yerevan,baku,tashkent,almaty,jeddah,kuwait city,muscat,sanaa,aden,haifa,nazareth,bethlehem,ramallah,hebron,nablus,jenin,rafah,khan younis,aleppo,homs,tikrit,kirkuk,najaf,karbala,ramadi,samarra,erbil,basra,mazar-i-sharif,herat,peshawar,quetta,rawalpindi,multan,faisalabad,dhaka,chittagong,kathmandu,colombo,goa,pune,ahmedabad,jaipur,lucknow,kanpur,agra,varanasi,amritsar,chandigarh,kochi,cochin,trivandrum,mysore,nagpur,indore,bhopal,patna,surat,guangzhou,shenzhen,chengdu,wuhan,nanjing,tianjin,xian,chongqing,hangzhou,yokohama,nagoya,kobe,hiroshima,nagasaki,sapporo,busan,incheon,phnom penh,vientiane,yangon,rangoon,mandalay,cebu,davao,quezon city,surabaya,bandung,penang,perth,darwin,hobart,canberra,christchurch,suva,nadi,honolulu,accra,abuja,kano,dakar,bamako,kinshasa,kampala,kigali,dar es salaam,zanzibar,lusaka,harare,maputo,luanda,windhoek,pretoria,durban,port elizabeth,marrakech,fez,rabat,tangier,benghazi,port-au-prince,santo domingo,san salvador,managua,tegucigalpa,guatemala city,san jose,monterrey,acapulco,puebla,oaxaca,veracruz,medellin,cali,cartagena,maracaibo,guayaquil,cusco,la paz,asuncion,montevideo,valparaiso,cordoba,rosario,mendoza,brasilia,salvador,recife,fortaleza,belo horizonte,porto alegre,manaus,quebec city,halifax,victoria,regina,saskatoon,hamilton,kitchener,windsor,london ontario";

const ORGANISATIONS_MORE: &str = "accenture,adobe,airbus,alcatel,allstate,altria,amgen,aol time warner,apple computer,arthur andersen,andersen,astrazeneca,audi,avis,barclays,bayer,bell south,bellsouth,berkshire hathaway,blackberry,blockbuster,bloomberg,bnp paribas,boeing,bristol-myers squibb,british airways,british telecom,bt,canon,capital one,caterpillar,chase manhattan,chevrontexaco,circuit city,citgo,compaq,conocophillips,costco,credit suisse,cvs,daimler,daimlerchrysler,deutsche bank,dhl,dow jones,dupont,earthlink,eds,electronic arts,emirates,ericsson,ernst & young,exxonmobil,exxon mobil,ferrari,fiat,firefox,fujitsu,gap,gateway,general electric,ge,gillette,glaxosmithkline,goodyear,halliburton,harley-davidson,hertz,hilton,hitachi,honeywell,hsbc,hyatt,hyundai,ikea,ing,intel,jetblue,johnson & johnson,kellogg,kodak,kraft,lehman brothers,lenovo,lg,linkedin,lockheed martin,lufthansa,marriott,mattel,mazda,mcafee,merck,metlife,mitsubishi,monsanto,mozilla,nasdaq,nestle,netscape,news corp,nvidia,panasonic,pfizer,philips,porsche,procter & gamble,prudential,qualcomm,qantas,radioshack,raytheon,reebok,renault,rolls-royce,royal dutch shell,ryanair,safeway,sainsbury,sap,siemens,sky,southwest airlines,staples,subaru,sun microsystems,suzuki,symantec,tesco,texaco,texas instruments,thomson,3m,toshiba,travelocity,expedia,priceline,tyco,unilever,united parcel service,us airways,verizon wireless,viacom,virgin,vodafone,volvo,walgreens,warner bros,whirlpool,xerox,xinhua,yamaha,zara,taco bell,applebee's,olive garden,red lobster,chili's,denny's,ihop,dunkin donuts,domino's,papa john's,arby's,sonic,hooters,outback steakhouse,pizza express,whole foods,trader joe's,kroger,publix,walgreens,rite aid,petsmart,barnes & noble,borders,toys r us,macy's,nordstrom,jcpenney,kohl's,ups store,usps,hbo,showtime,cnbc,c-span,bbc news,sky news,abc news,cbs news,nbc news,fox news channel,the new york times,the washington post,los angeles times,chicago tribune,boston globe,the independent,the telegraph,daily mail,financial times,the sun,the observer,le monde,der spiegel,haaretz,jerusalem post,time,newsweek,the atlantic,rolling stone,nature,science,lancet,white house,kremlin,downing street,parliament,european commission,european parliament,security council,general assembly,unesco,unicef,unhcr,world health organization,world trade organization,international monetary fund,iaea,interpol,osce,asean,african union,arab league,g8,g20,federal reserve,the fed,fcc,ftc,faa,ntsb,usda,hud,dod,doj,atf,dea,tsa,cdc,nih,noaa,nhs,mi5,scotland yard,mossad,isi,idf,army,navy,air force,marines,marine corps,national guard,coast guard,us army,us navy,us marines,royal navy,raf,labour,liberal democrats,lib dems,snp,likud,kadima,fatah,baath party,muslim brotherhood,al-qaida,al qaida,lashkar-e-taiba,let,jaish-e-mohammed,isis,eta,farc,pkk,kkk,aclu,naacp,nra,aarp,afl-cio,teamsters,sierra club,wwf,oxfam,peace corps,salvation army,united way,ymca,boy scouts,girl scouts,habitat for humanity,red crescent,medecins sans frontieres,doctors without borders,human rights watch,ioc,uefa,nascar,pga,wwe,manchester united,chelsea,arsenal,liverpool,real madrid,barcelona,juventus,ac milan,bayern munich,dallas cowboys,new york yankees,boston red sox,chicago bulls,la lakers,green bay packers,all blacks,harvard university,yale university,stanford university,princeton university,georgetown,georgetown university,duke,johns hopkins,cornell,dartmouth,brown university,penn state,rice university,university of texas,ut,texas a&m,lsu,notre dame,caltech,carnegie mellon,oxford,cambridge,london school of economics,lse,sorbonne,enron corp,enron north america,ena,enron online,enrononline,ees,enron energy services,portland general,pge,northern natural gas,transwestern,dynegy,aquila,williams,el paso energy,kinder morgan,ercot,nymex,ice,intercontinentalexchange,ferc,cftc,nerc";

const ORGANISATION_WORDS_MORE: &str = "govt,govt.,gov't,tech,army,navy,forces,force,guard,police,marines,brigade,battalion,regiment,corps,airline,air,railways,transport,transit,foods,farms,brewery,brewing,winery,pizza,grill,bar,pub,diner,kitchen,bakery,deli,steakhouse,bistro,boutique,mall,outlet,supermarket,pharmacy,dental,medical,health,healthcare,labs,laboratories,research,consulting,consultants,software,networks,online,com,.com,web,net,studio,productions,entertainment,publishing,books,publishers,orchestra,symphony,band,choir,ensemble,festival,assembly,parliament,senate,congress,court,tribunal,embassy,consulate,secretariat,directorate,service,services,exchange,markets,securities,investments,investment,financial,finance,credit,savings,loan,mortgage,realty,properties,estates,construction,builders,engineering,manufacturing,chemicals,oil,gas,petroleum,mining,steel,telecom,wireless,mobile,cable,broadcasting,radio,television,tv,channel,gazette,herald,tribune,chronicle,daily,weekly,review,brotherhood,alliance,coalition,front,movement,league,federation,confederation,syndicate,cooperative,co-op,guild,fellowship,mission,ministries,temple,synagogue,mosque,cathedral,seminary,polytechnic,conservatory";

const PLACE_WORDS_MORE: &str = "building,tower,towers,mall,plaza,hall,palace,castle,fort,base,camp,stadium,arena,field,court,garden,gardens,zoo,cemetery,church,temple,cathedral,office,nagar,marg,pur,abad,stan,land,shire,burg,berg,ville,ton,wood,ford,port,mouth,creek,pond,bayou,canal,strait,channel,cape,point,ridge,peak,pass,glacier,forest,reserve,territory,territories,republic,kingdom,emirate,state,states,commonwealth,sector,block,colony,quarter,neighborhood,neighbourhood,suburb,downtown,uptown,metro,area,resort";

const REGIONS_MORE: &str = "gulf of mexico,north sea,black sea,red sea,dead sea,caspian sea,baltic sea,south china sea,arabian sea,sea of japan,english channel,strait of hormuz,suez canal,panama canal,horn of africa,sub-saharan africa,north africa,west africa,east africa,southern africa,central africa,the sahel,the levant,the gulf,persian gulf,arabian peninsula,the west,the east,western hemisphere,northern hemisphere,southern hemisphere,asia pacific,pacific northwest,pacific rim,deep south,bible belt,rust belt,sun belt,great plains,appalachia,appalachians,new england,mid-atlantic,southwest,northeast,northwest,southeast,the valley,bay area,the bay area,lower manhattan,midtown,soho,chinatown,west end,east end,east village,greenwich village,times square,central park,hyde park,golden gate,golden gate bridge,brooklyn bridge,empire state building,statue of liberty,eiffel tower,big ben,buckingham palace,the kremlin,red square,tiananmen square,great wall,taj mahal,mount everest,kilimanjaro,mont blanc,rocky mountains,sierra nevada,blue ridge,ozarks,mojave,death valley,lake tahoe,lake michigan,lake erie,lake superior,lake ontario,lake victoria,the thames,thames,the rhine,rhine,danube,the danube,volga,yangtze,ganges,tigris,euphrates,jordan river,the amazon,amazon river,rio grande,colorado river,hudson,hudson river,potomac,missouri river,ohio river,the nile,niagara,galapagos,maui,oahu,kauai,big island,long island,staten island,cape cod,martha's vineyard,nantucket,key west,florida keys,outer banks,gaza strip,golan heights,sinai peninsula,kurdistan,balochistan,waziristan,tribal areas,west bengal,tamil nadu,uttar pradesh,andhra pradesh,maharashtra,gujarat,karnataka,rajasthan,bihar,assam,goa,kerala,punjab,haryana,sindh,khyber pakhtunkhwa,anbar,diyala,nineveh,sunni triangle,green zone,ground zero,pentagon,capitol,the capitol,white house,oval office,10 downing street,wall st.,broadway,fifth avenue,sunset boulevard,hollywood boulevard,route 66,interstate,i-95,i-10,antarctic,arctic circle,north pole,south pole,the moon,outer space,space";

/// Surnames of public figures in the news, few of them ordinary words.
const SURNAMES_MORE: &str = "trump,biden,pence,buttigieg,romney,mcconnell,schumer,boehner,gingrich,giuliani,cuomo,de blasio,zelensky,zelenskyy,macron,hollande,corbyn,sunak,starmer,trudeau,modi,jinping,erdogan,assad,khamenei,rouhani,ahmadinejad,maliki,karzai,musharraf,bhutto,kim jong-un,kim jong-il,lula,bolsonaro,maduro,sistani,zarqawi,mubarak,sisi,gaddafi,qaddafi,mugabe,zuma,ramaphosa,kenyatta,annan,ban ki-moon,guterres,bezos,zuckerberg,buffett,nadella,pichai,winfrey,palin,wolfowitz,condoleezza,condoleeza,ashcroft,greenspan,bernanke,yellen,paulson,geithner,comey";

/// Every list with its entries.
const LISTS: &[(List, &str)] = &[
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
    (List::GivenName, GIVEN_NAMES_MORE),
    (List::City, CITIES_MORE),
    (List::Organisation, ORGANISATIONS_MORE),
    (List::OrganisationWord, ORGANISATION_WORDS_MORE),
    (List::PlaceWord, PLACE_WORDS_MORE),
    (List::Region, REGIONS_MORE),
    (List::Surname, SURNAMES_MORE),
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
        for &(list, entries) in LISTS {
            for entry in entries.split(',') {
                let words: Vec<&str> = entry.split_whitespace().collect();
                if words.is_empty() || words.len() > MAX_PHRASE_WORDS {
                    continue;
                }
                let mut key = PHRASE_KEY_START;
                for (word_idx, word) in words.iter().enumerate() {
                    key = extend_phrase_key(key, super::hash_word(word));
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
/// `lower_hashes[i]` is `hash_word` of word `i`
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
    use super::super::hash_word;
    use super::*;

    fn marks_of(words: &[&str]) -> Vec<u64> {
        let hashes: Vec<u64> = words.iter().map(|word| hash_word(word)).collect();
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

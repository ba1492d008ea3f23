"""The words the synthetic knowledge bases are written with (scripts/bench/synthesis.py).

Changing any of these changes every synthetic knowledge base: other tests synthesise theirs with
the same seeds and expect the same content.
"""

from __future__ import annotations

SYLLABLES = [("Hye", "혜"), ("san", "산"), ("Mu", "무"), ("ryong", "령"), ("On", "온"), ("song", "성"),
             ("Sam", "삼"), ("su", "수"), ("Pung", "풍"), ("so", "서"), ("Kap", "갑"), ("Un", "운"),
             ("chong", "청"), ("jin", "진"), ("Sin", "신"), ("pa", "파"), ("Hu", "후"), ("chang", "창"),
             ("Tae", "대"), ("hong", "홍")]
PLACE_KINDS = [("county", "County", "군"), ("city", "City", "시"), ("district", "District", "구"), ("area", "area", "리")]
TOPIC_TITLES = ["Smuggling crackdowns", "Mobile phone detection", "Public trials", "Political prison camps",
                "Market controls", "Travel permits", "Border fences and mines", "Shoot-to-kill orders",
                "Foreign media crackdown", "Labour mobilization", "Quarantine at the border", "Informant networks",
                "Household registration", "Punishment of families", "Cross-border trade", "Remittances",
                "Detention centres", "Youth surveillance", "Religious persecution", "Food rations"]
ORG_NAMES = ["Provincial Security Bureau", "County Security Department", "Border Guard Brigade",
             "Inspection Group", "Non-Socialist Conduct Task Force", "Provincial Party Committee",
             "Youth League", "Women's Union", "Trade Bureau", "Prosecutors' Office"]
ORG_KINDS = ["state-security", "police", "military", "party", "mass-organization", "local-government"]
OUTLET_NAMES = ["Yalu Monitor", "Border Observer", "Tumen Report", "North Watch", "Peninsula Wire",
                "Frontier Times", "Hamgyong Letter", "Inside Korea"]
EVIDENCE = ["inside-informant", "defector-interviews", "ngo-report", "state-media", "official-statement", "rewrite"]
FIRST_NAMES = ["Ji-won", "Min-ho", "Seo-yeon", "Jae-sung", "Hye-jin", "Kwang-chol", "Mari", "Daniel", "Sarah", "Tae-hee"]
LAST_NAMES = ["Kim", "Lee", "Park", "Choi", "Jeong", "Kang", "Cho", "Yoon", "Jang", "Lim"]
CLAIM_WORDS = ["checkpoint", "arrest", "inspection", "crackdown", "patrol", "trial", "order", "lecture",
               "registration", "camera", "fence", "broker", "phone", "permit", "quarantine", "meeting"]
SENTENCES = [
    "According to a source in {place}, the {org} ordered people's group leaders to report every visitor within a day.",
    "{outlet} reported that residents of {place} who travelled without a permit were questioned for several days.",
    "The source said that patrols along the river near {place} had doubled since the start of the month.",
    "Officials of the {org} reportedly held a lecture warning that families of defectors would be sent to remote areas.",
    "A resident told the outlet that mobile phones bought from smugglers were now detected within minutes.",
    "Inspection teams went from house to house in {place} checking household registers against the list of residents.",
    "The report says that brokers who once moved people across the border now charge several times more than before.",
    "Two people caught near the river in {place} were handed to the {org} and have not been seen since.",
    "The outlet could not verify the account independently, but similar reports came from other districts.",
    "Local cadres were told that any unexplained absence from work must be reported to the {org} the same evening.",
    "Security cameras were installed at the entrances of apartment blocks and at the railway station in {place}.",
    "According to the source, people with relatives in China or South Korea were summoned for repeated interviews.",
    "Market traders in {place} said that the crackdown had cut cross-border trade to a fraction of its former volume.",
    "The {org} was said to have set up a temporary post on the road leading out of {place}.",
    "Residents described the new rules as stricter than anything they had known since the famine years.",
    "The account matches earlier reporting on the tightening of controls along the northern border.",
]


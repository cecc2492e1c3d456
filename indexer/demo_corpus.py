"""Deterministic demo corpus of freelancer profiles, in the product's input format.

Why: the product demo, the relevance set and the benchmarks all need many profiles that look like a
real freelance marketplace (skills that belong together, stats that earn or miss a badge, a few
diversity certifications in every review state) without touching anyone's personal data. The
generator is deterministic so that a benchmark or a demo can be rebuilt byte for byte.

How: every profile ``i`` gets its own ``random.Random`` seeded from ``(seed, i)``, so profile ``i``
does not depend on how many profiles are generated, and the corpus streams in constant memory. The
taxonomy tables (``indexer/taxonomy``) and the certifying-bodies registry are loaded once and cached
(about 0.15 s).

How the distributions were chosen (loosely modelled on public marketplace statistics; the targets
are for a 5,000-profile sample, see ``tests/test_demo_corpus.py``):

* Occupation: about 50 O*NET occupations that freelancers actually sell (development, design,
  writing, translation, marketing, data, admin and virtual assistance, accounting, video and audio,
  legal, CAD), weighted roughly like the category mix of a large marketplace (a third development
  and IT). The title is one of the occupation's O*NET alternate titles (expansions in parentheses
  dropped, obsolete or public-sector titles filtered out), sometimes prefixed ("Senior ...") or
  suffixed marketplace-style ("... | React Expert").
* Skills: 3-15 O*NET technology skills of the occupation (mean about 7.3), weighted 1, plus 5 if Hot
  Technology, plus 2 if In Demand (so profiles lean on current tools), plus 0-3 ESCO preferred
  labels (mean 1.15) from a small hand-picked pool per occupation family (``_ESCO_POOLS``; keyword
  matching on ESCO gave too many false friends, e.g. "edit" in "credit"); every pooled label is
  checked against ``esco_skill_labels.csv`` at load time and dropped if absent. Mean about 8.5
  skills in all. Skills are unique per profile, case-insensitively. About 1 O*NET skill in 10 is
  written as an alias or variant spelling (``ReactJS``, ``CSS``, ``Photoshop``, ``golang``, lower
  case...), from a small curated table, GitHub Linguist aliases and a few mechanical rules, so that
  skill canonicalisation has work to do.
* Country: United States 55%, then IN, PH, GB, CA, UA, PK and 20 smaller ones. Names come from small
  first/last name lists per region, mostly matching the country.
* Hourly rate: log-normal, median about $35 (sigma 0.55), scaled by occupation (legal and data
  higher, data entry lower) and country (about 1.3x US, 0.55x South Asia), clipped to $5-$250,
  missing for 5%.
* Activity: 25% have no job yet; otherwise jobs are log-normal (median about 3, a few hundreds). The
  job success score is null under 3 jobs, else 100 for a quarter and otherwise 100 minus an
  exponential (mean 7), floored at 40. First contract: null without jobs; within the last 90 days
  for a share of the new freelancers (rising-talent candidates); otherwise 91 days to 8 years ago,
  longer for busier freelancers. Twelve-month earnings: 0 for the inactive (about 45% of all
  profiles), else rate x log-normal hours growing with the job count, capped at $300,000.
  ``profile_complete`` is true for about 70%, more often for active freelancers.
* Badges, under the policy the indexer applies (top rated: first contract over 90 days ago, JSS >=
  90, earnings >= $1,000, complete; plus: earnings >= $10,000; rising talent: first contract within
  90 days, a job, JSS null or >= 80, complete), this gives about 78% no badge, 5% rising talent, 12%
  top rated and 5% top rated plus (the activity parameters above were tuned for it). The ``badge``
  field itself is set on about 1% of profiles (an upstream assertion), agreeing with the policy 85%
  of the time. ``expert_vetted`` is about 0.2%, mostly among top-rated profiles.
* Skill certifications: about 10% of profiles hold 1-2 real-world certifications chosen from those
  matching their skills or family (AWS, Google Ads, Microsoft Office Specialist...). Never diversity
  certifications.
* Diversity certifications: about 4% of profiles (6% of US ones, 9% of Canadian ones, under 1%
  elsewhere) hold one, 10% of holders two. For US holders: 68% approved and unexpired from a
  registry body (code or name, in varied letter case, a category the body certifies; most expire
  within 18 months, 12% within 30 days), 10% expired, 8% pending, 6% rejected, 8% from an
  unrecognised body. Canadian holders use the registry's CA bodies (country CA); elsewhere the body
  is unrecognised.

Determinism: the output is byte-identical for the same ``(count, seed, as_of)`` on the same CPython
minor version (``random`` is stable across versions in practice, but not promised).
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import yaml

__all__ = ["DEFAULT_AS_OF", "generate_profiles", "write_demo_corpus"]

DEFAULT_AS_OF: Final = date(2026, 11, 1)

_HERE: Final = Path(__file__).resolve().parent
_TAXONOMY: Final = _HERE / "taxonomy"
_REGISTRY: Final = _HERE / "certifying_bodies.yaml"
_PROGRESS_EVERY: Final = 1000
_MAX_SKILL_CHARS: Final = 100


def _split(text: str) -> tuple[str, ...]:
    """ "a | b | c" as ("a", "b", "c"): keeps the data tables below compact."""
    return tuple(part.strip() for part in text.split("|"))


# --------------------------------------------------------------------------------------------
# Occupations: (O*NET-SOC code, weight, family, rate factor, title keywords or None).
# Title keywords restrict an occupation's alternate titles to those containing one of them
# (case-insensitive), for occupations whose O*NET list is mostly obsolete or off-marketplace.
# --------------------------------------------------------------------------------------------
_OCCUPATIONS: Final[tuple[tuple[str, float, str, float, tuple[str, ...] | None], ...]] = (
    ("15-1252.00", 10.0, "software", 1.35, None),  # Software Developers
    ("15-1254.00", 10.0, "software", 1.2, None),  # Web Developers
    ("15-1255.00", 5.0, "web_design", 1.1, None),  # Web and Digital Interface Designers
    ("15-1253.00", 2.0, "qa", 1.1, None),  # Software QA Analysts and Testers
    ("15-1242.00", 1.0, "database", 1.3, None),  # Database Administrators
    ("15-1243.00", 1.0, "database", 1.45, None),  # Database Architects
    ("15-1211.00", 1.0, "it_ops", 1.3, None),  # Computer Systems Analysts
    ("15-1212.00", 1.5, "it_ops", 1.5, None),  # Information Security Analysts
    ("15-1244.00", 1.0, "it_ops", 1.2, None),  # Network and Computer Systems Administrators
    ("15-1299.08", 1.0, "it_ops", 1.5, None),  # Computer Systems Engineers/Architects
    ("15-1299.01", 0.5, "it_ops", 1.0, None),  # Web Administrators
    ("15-1232.00", 1.0, "it_ops", 0.8, None),  # Computer User Support Specialists
    ("15-1299.09", 1.5, "project", 1.4, None),  # IT Project Managers
    ("15-2051.00", 3.0, "data", 1.5, None),  # Data Scientists
    ("15-2051.01", 2.0, "data", 1.3, None),  # Business Intelligence Analysts
    ("15-2041.00", 1.0, "data", 1.3, None),  # Statisticians
    ("27-1024.00", 7.0, "graphic", 0.9, None),  # Graphic Designers
    ("27-1014.00", 3.0, "animation", 1.0, None),  # Special Effects Artists and Animators
    (
        "27-1021.00",
        1.0,
        "cad",
        1.1,
        ("Product", "Industrial", "Packag", "Furniture", "Toy", "Textile", "Lighting", "Game"),
    ),  # Commercial and Industrial Designers
    ("27-1025.00", 0.5, "cad", 1.0, None),  # Interior Designers
    ("17-3011.00", 1.0, "cad", 0.9, None),  # Architectural and Civil Drafters
    ("17-2141.00", 1.0, "cad", 1.3, ("Mechanical", "Design", "HVAC", "Product")),
    ("27-3043.00", 5.0, "writing", 0.85, None),  # Writers and Authors
    ("27-3041.00", 2.0, "writing", 0.85, None),  # Editors
    ("27-3042.00", 2.0, "writing", 1.1, None),  # Technical Writers
    ("27-3023.00", 0.5, "writing", 0.8, None),  # News Analysts, Reporters, and Journalists
    ("27-3091.00", 4.0, "translation", 0.75, None),  # Interpreters and Translators
    ("13-1161.00", 4.0, "marketing", 1.0, None),  # Market Research Analysts and Marketing
    ("13-1161.01", 3.0, "marketing", 1.0, None),  # Search Marketing Strategists
    ("11-2021.00", 2.0, "marketing", 1.35, None),  # Marketing Managers
    ("11-2011.00", 1.0, "marketing", 1.2, None),  # Advertising and Promotions Managers
    ("27-3031.00", 1.0, "marketing", 1.05, None),  # Public Relations Specialists
    (
        "43-6014.00",
        4.0,
        "admin",
        0.55,
        ("Administrative", "Assistant", "Office", "Schedul", "Secretary", "Coordinator"),
    ),  # Secretaries and Administrative Assistants (virtual assistants)
    ("43-6011.00", 1.5, "admin", 0.7, None),  # Executive Administrative Assistants
    ("43-9021.00", 2.0, "admin", 0.4, ("Data",)),  # Data Entry Keyers
    ("43-9022.00", 0.5, "admin", 0.45, ("Typist", "Transcri", "Word Process", "Document")),
    (
        "43-4051.00",
        2.0,
        "support",
        0.5,
        ("Customer", "Client", "Support", "Call Center", "Contact Center", "Member Services"),
    ),  # Customer Service Representatives
    ("13-2011.00", 3.0, "accounting", 1.1, None),  # Accountants and Auditors
    (
        "43-3031.00",
        2.5,
        "accounting",
        0.7,
        ("Bookkeep", "Account", "Payable", "Receivable", "Reconcil", "Ledger", "Finance"),
    ),  # Bookkeeping, Accounting, and Auditing Clerks
    (
        "13-2051.00",
        1.0,
        "accounting",
        1.4,
        ("Financ", "Investment", "Equity", "Pricing", "Treasury", "Portfolio", "Mergers"),
    ),  # Financial and Investment Analysts
    ("13-1111.00", 1.0, "project", 1.4, None),  # Management Analysts
    ("13-1082.00", 1.0, "project", 1.2, None),  # Project Management Specialists
    (
        "13-1071.00",
        0.5,
        "hr",
        0.9,
        ("Recruit", "HR", "Human Resources", "Talent", "Staffing", "Resume", "Headhunter"),
    ),  # Human Resources Specialists
    ("23-2011.00", 0.8, "legal", 0.9, None),  # Paralegals and Legal Assistants
    ("23-1011.00", 0.7, "legal", 2.0, None),  # Lawyers
    ("27-4032.00", 3.0, "video", 0.95, None),  # Film and Video Editors
    ("27-4011.00", 0.5, "audio", 0.85, ("Audio", "Video", "AV ", "Media")),
    ("27-4014.00", 1.0, "audio", 0.95, None),  # Sound Engineering Technicians
    ("27-4021.00", 1.5, "photo", 0.9, None),  # Photographers
)

# Alternate titles never used: public-sector, obsolete or off-marketplace ones.
_TITLE_BLOCKLIST: Final = re.compile(
    r"\b(Police|Congressional|County|City|Town|Railroad|Traveling|School|Preschool|Intern"
    r"|Supervisor|Apprentice|Teletype\w*|Keypunch\w*|Weapons|Prisoner|Crime Scene|Forensic"
    r"|Attorney General|District Attorney|Public Defender|Prosecutor|Prosecuting|Commonwealth"
    r"|Military|Federal|Censor|Stagehand|Script Girl|Enlisted|Morale)\b"
)

# ESCO preferred labels per occupation family (checked against esco_skill_labels.csv at load).
_ESCO_POOLS: Final[dict[str, tuple[str, ...]]] = {
    "software": _split(
        "use object-oriented programming | debug software | develop software prototype | "
        "create software design | use software design patterns | Agile development | "
        "web programming | cloud technologies | create data models | ICT debugging tools | "
        "JavaScript Framework | software frameworks | Rapid application development | "
        "implement front-end website design"
    ),
    "web_design": _split(
        "design user interface | create website wireframe | "
        "implement front-end website design | create prototype of user experience solutions | "
        "research website users | graphic design | typography | web analytics | "
        "software UI design patterns | design prototypes"
    ),
    "qa": _split(
        "develop ICT test suite | quality assurance methodologies | "
        "quality assurance procedures | ICT debugging tools | debug software | "
        "Agile development | conduct performance tests"
    ),
    "database": _split(
        "design database scheme | create database diagrams | maintain database | "
        "manage database | database management systems | "
        "operate relational database management system | data warehouse | SQL | "
        "write database documentation | design database backup specifications"
    ),
    "it_ops": _split(
        "implement a firewall | define firewall rules | implement a virtual private network | "
        "maintain ICT server | manage ICT virtualisation machines | "
        "ICT network security risks | manage system security | information security strategy | "
        "ICT infrastructure | ICT problem management techniques | ICT help platforms | "
        "cloud technologies | manage disaster recovery plans | penetration testing tool"
    ),
    "data": _split(
        "perform data analysis | perform data mining | data mining methods | "
        "utilise machine learning | natural language processing | "
        "apply statistical analysis techniques | identify statistical patterns | "
        "carry out statistical forecasts | create data models | data warehouse | "
        "business intelligence | statistics | Python (computer programming) | "
        "interpret current data"
    ),
    "project": _split(
        "project management | perform project management | Agile project management | "
        "ICT project management | ICT project management methodologies | "
        "Prince2 project management | Lean project management | develop project schedule | "
        "manage budgets | carry out strategic research | forecast organisational risks | "
        "interpret business information"
    ),
    "graphic": _split(
        "graphic design | typography | use digital illustration techniques | "
        "create digital images | perform image editing | define brand identity | "
        "create brand guidelines | Adobe Illustrator | Adobe Photoshop | motion graphics"
    ),
    "animation": _split(
        "3D modelling | principles of animation | develop animations | create 3D characters | "
        "rig 3D characters | render 3D images | 3D texturing | 3D lighting | motion graphics | "
        "digital compositing | create storyboards | particle animation"
    ),
    "cad": _split(
        "use CAD software | create AutoCAD drawings | technical drawings | "
        "use technical drawing software | interpret 2D plans | interpret 3D plans | "
        "CADD software | 3D modelling | design prototypes | create a product's virtual model | "
        "mechanical engineering | interpret floor plans"
    ),
    "writing": _split(
        "perform copywriting | proofread text | apply grammar and spelling rules | "
        "rewrite articles | content development processes | develop digital content | "
        "create online news content | content marketing strategy | "
        "keywords in digital content | conduct search engine optimisation | "
        "draft press releases | conduct literature research | editorial standards | "
        "lay out digital written content"
    ),
    "translation": _split(
        "translate texts | use computer-aided translation | postediting | "
        "improve translated texts | follow translation quality standards | "
        "employ translation techniques | translate foreign language | "
        "perform sight translation | create subtitles | transcribe texts | "
        "develop terminology databases | write English | write Spanish | write French | "
        "write German | write Portuguese | write Arabic | write Russian | write Ukrainian | "
        "write Japanese"
    ),
    "marketing": _split(
        "conduct search engine optimisation | apply social media marketing | "
        "social media management | execute email marketing | digital marketing techniques | "
        "plan digital marketing | web analytics | plan marketing strategy | "
        "perform market research | prepare market research reports | "
        "content marketing strategy | brand marketing techniques | plan marketing campaign | "
        "advertising techniques | coordinate advertising campaigns | "
        "develop public relations strategies | draft press releases"
    ),
    "admin": _split(
        "perform clerical duties | use spreadsheets software | use word processing software | "
        "use microsoft office | office administration | administer appointments | "
        "draft corporate emails | maintain correspondence records | answer incoming calls | "
        "perform office routine activities | transcribe texts | type texts from audio sources | "
        "maintain data entry requirements | create digital files"
    ),
    "support": _split(
        "customer service | handle customer complaints | answer incoming calls | "
        "maintain customer service | call-centre technologies | follow up complaint reports | "
        "use microsoft office"
    ),
    "accounting": _split(
        "accounting | accounting techniques | use accounting systems | "
        "check accounting records | prepare trial accounting balances | "
        "prepare financial statements | interpret financial statements | "
        "bookkeeping regulations | issue sales invoices | manage payroll | calculate tax | "
        "prepare tax returns forms | conduct financial audits | financial forecasting | "
        "business valuation techniques"
    ),
    "hr": _split(
        "recruit employees | carry out recruiting services | recruit personnel | "
        "manage payroll | manage employee complaints | conduct research interview"
    ),
    "legal": _split(
        "compile legal documents | legal case management | contract law | "
        "analyse legal evidence | legal studies | manage contracts | "
        "review completed contracts | apply for patents | create patent draft | "
        "meet deadlines for preparing legal cases"
    ),
    "video": _split(
        "perform video editing | edit digital moving images | cut raw footage digitally | "
        "select video shots | synchronise sound with images | "
        "colour grade images with digital intermediate | digital compositing | "
        "create subtitles | motion graphics | create storyboards"
    ),
    "audio": _split(
        "edit recorded sound | record multi-track sound | operate an audio mixing console | "
        "audio post-production | audio technology | assess sound quality | "
        "synchronise sound with images | record audio materials | set up sound equipment | "
        "mix sound in a live situation"
    ),
    "photo": _split(
        "photography | edit photographs | post-processing of photographs | "
        "use photographic equipment | perform image editing | Adobe Photoshop Lightroom | "
        "lighting techniques | select photographic equipment | set up photographic equipment"
    ),
}

# Marketplace spellings of O*NET technology skill names (used for ~10% of skills).
_SKILL_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "React": ("ReactJS", "React.js", "react"),
    "React Native": ("ReactNative", "react native"),
    "Node.js": ("NodeJS", "Node", "node.js"),
    "JavaScript": ("Javascript", "JS", "javascript"),
    "TypeScript": ("Typescript", "TS"),
    "Google Angular": ("Angular", "AngularJS"),
    "Vue.js": ("VueJS", "Vue"),
    "Cascading style sheets CSS": ("CSS", "CSS3"),
    "Hypertext markup language HTML": ("HTML", "HTML5"),
    "Structured query language SQL": ("SQL",),
    "PostgreSQL": ("Postgres", "postgresql"),
    "MySQL": ("mysql", "My SQL"),
    "MongoDB": ("Mongo DB", "mongodb"),
    "Amazon Web Services AWS software": ("AWS", "Amazon Web Services"),
    "Amazon Simple Storage Service S3": ("AWS S3", "S3"),
    "Amazon Elastic Compute Cloud EC2": ("AWS EC2", "EC2"),
    "Microsoft Azure software": ("Azure", "MS Azure"),
    "Google Cloud software": ("GCP", "Google Cloud Platform"),
    "Microsoft Excel": ("Excel", "MS Excel", "Excel Spreadsheets"),
    "Microsoft Word": ("MS Word", "Word"),
    "Microsoft PowerPoint": ("PowerPoint", "Powerpoint"),
    "Microsoft Outlook": ("Outlook",),
    "Microsoft Office software": ("MS Office", "Microsoft Office"),
    "Microsoft Power BI": ("Power BI", "PowerBI"),
    "Microsoft SQL Server": ("MSSQL", "SQL Server"),
    "Microsoft PowerShell": ("PowerShell", "Powershell"),
    "Microsoft .NET Framework": (".NET", "dotnet"),
    "Microsoft ASP.NET": ("ASP.NET", "asp.net"),
    "Microsoft Visual Basic for Applications VBA": ("VBA", "Excel VBA"),
    "Microsoft SharePoint": ("SharePoint", "Sharepoint"),
    "Microsoft Teams": ("MS Teams", "Teams"),
    "WordPress": ("Wordpress", "WP"),
    "Ruby on Rails": ("Rails", "RoR", "ruby on rails"),
    "Kubernetes": ("K8s", "kubernetes"),
    "Git": ("git",),
    "GitHub": ("Github",),
    "Atlassian JIRA": ("Jira", "JIRA"),
    "Atlassian Confluence": ("Confluence",),
    "Google Analytics": ("GA4", "Google Analytics 4"),
    "Google Ads": ("Google AdWords", "AdWords"),
    "Oracle Java": ("Java",),
    "C#": ("C Sharp", "c#"),
    "jQuery": ("JQuery", "jquery"),
    "Intuit QuickBooks": ("QuickBooks", "Quickbooks Online", "QBO"),
    "Salesforce software": ("Salesforce", "SFDC"),
    "HubSpot software": ("HubSpot", "Hubspot"),
    "MailChimp": ("Mailchimp",),
    "Autodesk AutoCAD": ("AutoCAD", "Auto CAD"),
    "Dassault Systemes SolidWorks": ("SolidWorks", "Solidworks"),
    "The MathWorks MATLAB": ("MATLAB", "Matlab"),
    "Apple Final Cut Pro": ("Final Cut Pro", "FCPX"),
    "Avid Technology Pro Tools": ("Pro Tools", "ProTools"),
    "Adobe Photoshop": ("Photoshop", "photoshop"),
    "Adobe Illustrator": ("Illustrator", "Adobe Illustrator CC"),
    "Adobe Premiere Pro": ("Premiere Pro", "Premiere"),
    "Adobe After Effects": ("After Effects", "AfterEffects"),
    "Adobe InDesign": ("InDesign", "Indesign"),
    "Adobe Creative Cloud software": ("Adobe Creative Suite", "Adobe CC"),
    "Figma": ("figma",),
    "Tableau": ("Tableau Desktop",),
    "Python": ("python", "Python 3"),
    "Semrush": ("SEMrush", "SEMRush"),
}
_LINGUIST_ALIAS_SKIP: Final = frozenset(
    {"node", "rusthon", "cake", "cakescript", "inc", "rake", "jruby", "macruby", "rbx", "splus"}
)
_VENDOR_PREFIXES: Final = (
    "Adobe ",
    "Autodesk ",
    "Atlassian ",
    "Intuit ",
    "Apple ",
    "Dassault Systemes ",
    "The MathWorks ",
    "Thomson Reuters ",
    "Avid Technology ",
    "Trimble ",
)
_ACRONYM: Final = re.compile(r"^[A-Z][a-z]+(?: [a-z/-]+)+ ([A-Z][A-Z0-9+#.]+)(?: software)?$")

# Skill certifications: (name, issuer, O*NET skills that suggest it, families that suggest it).
_AWS_SKILLS: Final = (
    "Amazon Web Services AWS software",
    "Amazon Elastic Compute Cloud EC2",
    "Amazon Simple Storage Service S3",
    "Amazon Web Services AWS CloudFormation",
    "Amazon DynamoDB",
    "Amazon Redshift",
)
_SKILL_CERTS: Final[tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]] = (
    ("AWS Certified Solutions Architect - Associate", "Amazon Web Services", _AWS_SKILLS, ()),
    ("AWS Certified Developer - Associate", "Amazon Web Services", _AWS_SKILLS, ("software",)),
    ("AWS Certified Cloud Practitioner", "Amazon Web Services", _AWS_SKILLS, ("it_ops",)),
    ("Microsoft Certified: Azure Fundamentals", "Microsoft", ("Microsoft Azure software",), ()),
    (
        "Microsoft Certified: Azure Administrator Associate",
        "Microsoft",
        ("Microsoft Azure software",),
        ("it_ops",),
    ),
    (
        "Microsoft Office Specialist: Excel Associate",
        "Microsoft",
        ("Microsoft Excel",),
        ("admin", "accounting"),
    ),
    (
        "Microsoft Office Specialist: Word Associate",
        "Microsoft",
        ("Microsoft Word",),
        ("admin", "writing"),
    ),
    (
        "Microsoft Office Specialist: Expert",
        "Microsoft",
        ("Microsoft Office software",),
        ("admin", "support"),
    ),
    (
        "Microsoft Certified: Power BI Data Analyst Associate",
        "Microsoft",
        ("Microsoft Power BI",),
        ("data",),
    ),
    ("Google Ads Search Certification", "Google", ("Google Ads",), ("marketing",)),
    ("Google Analytics Certification", "Google", ("Google Analytics",), ("marketing",)),
    ("Google Data Analytics Professional Certificate", "Google", (), ("data",)),
    ("Google UX Design Professional Certificate", "Google", ("Figma",), ("web_design",)),
    ("Google Project Management Professional Certificate", "Google", (), ("project",)),
    (
        "Google Cloud Certified Professional Data Engineer",
        "Google Cloud",
        ("Google Cloud software", "Google BigQuery"),
        (),
    ),
    ("TensorFlow Developer Certificate", "Google", ("TensorFlow",), ()),
    ("HubSpot Inbound Marketing Certification", "HubSpot Academy", ("HubSpot software",), ()),
    (
        "HubSpot Content Marketing Certification",
        "HubSpot Academy",
        ("HubSpot software",),
        ("writing", "marketing"),
    ),
    ("Meta Certified Digital Marketing Associate", "Meta", ("Facebook",), ("marketing",)),
    ("Meta Front-End Developer Professional Certificate", "Meta", ("React",), ("software",)),
    ("Semrush SEO Toolkit Certification", "Semrush Academy", ("Semrush",), ()),
    (
        "Adobe Certified Professional in Graphic Design & Illustration Using Adobe Illustrator",
        "Adobe",
        ("Adobe Illustrator",),
        ("graphic",),
    ),
    (
        "Adobe Certified Professional in Visual Design Using Adobe Photoshop",
        "Adobe",
        ("Adobe Photoshop",),
        ("graphic", "photo"),
    ),
    (
        "Adobe Certified Professional in Video Design Using Adobe Premiere Pro",
        "Adobe",
        ("Adobe Premiere Pro",),
        ("video",),
    ),
    (
        "Adobe Certified Professional in Digital Video Using Adobe After Effects",
        "Adobe",
        ("Adobe After Effects",),
        ("animation",),
    ),
    ("Certified Kubernetes Administrator (CKA)", "The Linux Foundation", ("Kubernetes",), ()),
    ("Oracle Certified Professional: Java SE 17 Developer", "Oracle", ("Oracle Java",), ()),
    ("Oracle Database SQL Certified Associate", "Oracle", ("Oracle Database",), ("database",)),
    (
        "Salesforce Certified Administrator",
        "Salesforce",
        ("Salesforce software", "Salesforce.com Salesforce CRM"),
        (),
    ),
    ("Tableau Desktop Specialist", "Tableau", ("Tableau",), ("data",)),
    ("Certified ScrumMaster (CSM)", "Scrum Alliance", ("Atlassian JIRA",), ("project",)),
    (
        "Project Management Professional (PMP)",
        "Project Management Institute",
        ("Microsoft Project",),
        ("project",),
    ),
    ("CompTIA Security+", "CompTIA", (), ("it_ops",)),
    ("CompTIA Network+", "CompTIA", (), ("it_ops",)),
    (
        "Certified Information Systems Security Professional (CISSP)",
        "ISC2",
        (),
        ("it_ops",),
    ),
    ("Cisco Certified Network Associate (CCNA)", "Cisco", ("Cisco IOS",), ()),
    ("ISTQB Certified Tester Foundation Level", "ISTQB", ("Selenium",), ("qa",)),
    ("QuickBooks Online Certified ProAdvisor", "Intuit", ("Intuit QuickBooks",), ("accounting",)),
    ("Xero Advisor Certification", "Xero", (), ("accounting",)),
    (
        "Certified Management Accountant (CMA)",
        "Institute of Management Accountants",
        (),
        ("accounting",),
    ),
    (
        "Autodesk Certified Professional: AutoCAD for Design and Drafting",
        "Autodesk",
        ("Autodesk AutoCAD",),
        ("cad",),
    ),
    (
        "Autodesk Certified Professional: Revit for Architectural Design",
        "Autodesk",
        ("Autodesk Revit",),
        (),
    ),
    (
        "Certified SOLIDWORKS Associate (CSWA)",
        "Dassault Systemes",
        ("Dassault Systemes SolidWorks",),
        (),
    ),
    (
        "Avid Certified User: Media Composer",
        "Avid",
        ("Avid Media Composer", "Avid Technology Media Composer"),
        (),
    ),
    (
        "Avid Certified User: Pro Tools",
        "Avid",
        ("Avid Pro Tools", "Avid Technology Pro Tools", "Avid Digidesign Pro Tools"),
        ("audio",),
    ),
    ("Apple Certified Pro - Final Cut Pro", "Apple", ("Apple Final Cut Pro",), ("video",)),
    ("ATA Certified Translator", "American Translators Association", (), ("translation",)),
    ("Certified Paralegal (CP)", "NALA - The Paralegal Association", (), ("legal",)),
    (
        "SHRM Certified Professional (SHRM-CP)",
        "Society for Human Resource Management",
        (),
        ("hr",),
    ),
    (
        "Certified Administrative Professional (CAP)",
        "International Association of Administrative Professionals",
        (),
        ("admin",),
    ),
    ("HDI Customer Service Representative (HDI-CSR)", "HDI", (), ("support",)),
    (
        "Certified Professional Photographer (CPP)",
        "Professional Photographers of America",
        (),
        ("photo",),
    ),
)

# Countries: (ISO code, weight %, rate factor, name region, display name).
_COUNTRIES: Final[tuple[tuple[str, float, float, str, str], ...]] = (
    ("US", 55.0, 1.3, "us", "the United States"),
    ("IN", 8.0, 0.55, "south_asian", "India"),
    ("PH", 6.0, 0.55, "filipino", "the Philippines"),
    ("GB", 4.0, 1.15, "anglo", "the United Kingdom"),
    ("CA", 3.5, 1.15, "anglo", "Canada"),
    ("UA", 3.0, 0.8, "slavic", "Ukraine"),
    ("PK", 3.0, 0.55, "south_asian", "Pakistan"),
    ("DE", 1.5, 1.15, "european", "Germany"),
    ("BR", 1.5, 0.8, "brazilian", "Brazil"),
    ("NG", 1.5, 0.55, "african", "Nigeria"),
    ("BD", 1.2, 0.5, "south_asian", "Bangladesh"),
    ("EG", 1.0, 0.55, "arabic", "Egypt"),
    ("KE", 1.0, 0.55, "african", "Kenya"),
    ("AU", 1.0, 1.2, "anglo", "Australia"),
    ("PL", 0.8, 0.95, "slavic", "Poland"),
    ("MX", 0.8, 0.8, "hispanic", "Mexico"),
    ("ES", 0.7, 0.95, "hispanic", "Spain"),
    ("FR", 0.7, 1.1, "european", "France"),
    ("AR", 0.6, 0.8, "hispanic", "Argentina"),
    ("RS", 0.6, 0.8, "slavic", "Serbia"),
    ("ZA", 0.6, 0.8, "african", "South Africa"),
    ("RO", 0.5, 0.85, "slavic", "Romania"),
    ("VN", 0.5, 0.55, "east_asian", "Vietnam"),
    ("ID", 0.5, 0.55, "east_asian", "Indonesia"),
    ("TR", 0.4, 0.8, "arabic", "Turkey"),
    ("NL", 0.4, 1.15, "european", "the Netherlands"),
    ("IT", 0.4, 0.95, "european", "Italy"),
    ("GH", 0.3, 0.55, "african", "Ghana"),
)

_NAMES: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "anglo": (
        _split(
            "James | Emily | Michael | Sarah | David | Jessica | Daniel | Ashley | Ryan | "
            "Megan | Chris | Laura | Brandon | Olivia | Tyler | Hannah | Kevin | Rachel"
        ),
        _split(
            "Smith | Johnson | Williams | Brown | Jones | Miller | Davis | Wilson | Taylor | "
            "Anderson | Thomas | Moore | Martin | Thompson | White | Harris | Clark | Hall"
        ),
    ),
    "hispanic": (
        _split("Carlos | María | José | Ana | Luis | Sofía | Diego | Valentina | Javier"),
        _split("García | Rodríguez | Martínez | Hernández | López | González | Pérez | Torres"),
    ),
    "south_asian": (
        _split("Aarav | Priya | Rahul | Ananya | Vikram | Sneha | Arjun | Imran | Ayesha"),
        _split("Sharma | Patel | Gupta | Singh | Kumar | Reddy | Nair | Khan | Ahmed | Rahman"),
    ),
    "filipino": (
        _split("Mark | Jasmine | John Paul | Kristine | Angelo | Mary Grace | Paolo | Camille"),
        _split("Santos | Reyes | Cruz | Bautista | Ocampo | Mendoza | Villanueva | Dela Cruz"),
    ),
    "slavic": (
        _split("Oleksandr | Olena | Dmytro | Iryna | Andriy | Kateryna | Piotr | Marek | Milica"),
        _split("Shevchenko | Kovalenko | Bondarenko | Melnyk | Nowak | Kowalski | Petrović"),
    ),
    "european": (
        _split("Lukas | Anna | Felix | Lea | Jonas | Sophie | Pierre | Camille | Giulia"),
        _split("Müller | Schmidt | Fischer | Weber | Wagner | de Vries | Dubois | Rossi"),
    ),
    "african": (
        _split("Chinedu | Ngozi | Emeka | Amara | Oluwaseun | Tunde | Kwame | Wanjiru | Thabo"),
        _split("Okafor | Adeyemi | Okonkwo | Balogun | Eze | Mensah | Otieno | Kamau | Ndlovu"),
    ),
    "brazilian": (
        _split("João | Ana | Pedro | Beatriz | Lucas | Mariana | Rafael | Larissa | Gabriel"),
        _split("Silva | Santos | Oliveira | Souza | Costa | Pereira | Almeida | Ferreira"),
    ),
    "arabic": (
        _split("Ahmed | Mona | Omar | Yasmin | Mahmoud | Nour | Youssef | Mehmet | Elif"),
        _split("Hassan | Mostafa | Ibrahim | El-Sayed | Farouk | Öztürk | Kaya | Demir"),
    ),
    "east_asian": (
        _split("Minh | Linh | Tuan | Huong | Budi | Siti | Dewi | Wei | Mei"),
        _split("Nguyen | Tran | Le | Pham | Santoso | Wijaya | Pratama | Chen | Lim"),
    ),
}
# Name regions for a profile of each region code (US is mixed), with weights.
_US_NAME_MIX: Final = (
    ("anglo", 0.63),
    ("hispanic", 0.14),
    ("south_asian", 0.07),
    ("african", 0.06),
    ("east_asian", 0.05),
    ("european", 0.03),
    ("slavic", 0.02),
)

_TITLE_PREFIXES: Final = ("Senior ", "Freelance ", "Certified ", "Lead ", "Expert ")
_INTROS: Final = (
    "{title} with {years}+ years of experience.",
    "Hi, I'm {first}, {article} {title} based in {country}.",
    "Experienced {title} helping businesses since {since}.",
    "{title} focused on quality work, clear communication and on-time delivery.",
    "I am {article} {title} with {years} years of hands-on experience.",
)
_SKILL_SENTENCES: Final = (
    "My toolkit includes {a}, {b} and {c}.",
    "I work daily with {a} and {b}.",
    "Core skills: {a}, {b}, {c}.",
    "Strong background in {a}, with solid {b} skills.",
)
_CLOSINGS: Final = (
    "Let's discuss your project.",
    "Available for both short-term tasks and long-term collaborations.",
    "I reply within a few hours and work across time zones.",
    "Message me with your requirements and I will send a tailored proposal.",
    "Happy to start with a small paid test task.",
)

# Diversity certifications.
_TYPES_BY_BODY: Final[dict[str, tuple[str, ...]]] = {
    "NMSDC": ("MBE",),
    "WBENC": ("WBE",),
    "NGLCC": ("LGBTBE",),
    "Disability:IN": ("DOBE",),
    "NaVOBA": ("VBE", "SDVBE"),
    "SBA VetCert": ("VOSB", "SDVOSB"),
    "SBA WOSB": ("WOSB", "EDWOSB"),
    "CAMSC": ("MBE", "ABE"),
    "CCAB": ("CIB",),
    "WBE Canada": ("WBE",),
    "CGLCC": ("LGBTBE",),
    "IWSCC": ("DOBE",),
}
_TYPES_BY_CATEGORY: Final[dict[str, tuple[str, ...]]] = {
    "minority_owned": ("MBE",),
    "black_owned": ("MBE",),
    "woman_owned": ("WBE", "WOSB"),
    "veteran_owned": ("VOSB", "SDVOSB"),
    "disability_owned": ("DOBE",),
    "lgbtq_owned": ("LGBTBE",),
}
_NUMBER_PREFIX: Final[dict[str, str]] = {
    "Disability:IN": "DIN",
    "SBA VetCert": "VETCERT",
    "SBA WOSB": "WOSB",
    "WBE Canada": "WBEC",
}
# Bodies that are not in the registry: (name, number prefix, categories they claim to certify).
_UNRECOGNISED_BODIES: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    ("Global Diversity Certifiers LLC", "GDC", tuple(_TYPES_BY_CATEGORY)),
    ("International Minority Business Council", "IMBC", ("minority_owned", "black_owned")),
    ("Diversity Supplier Alliance Ltd", "DSA", tuple(_TYPES_BY_CATEGORY)),
    ("Women Owned Business Registry Inc.", "WOBR", ("woman_owned",)),
    ("American Veteran Business Registry", "AVBR", ("veteran_owned",)),
)
_US_CERT_KINDS: Final = ("approved", "expired", "pending", "rejected", "unrecognised")
_US_CERT_KIND_WEIGHTS: Final = (68.0, 10.0, 8.0, 6.0, 8.0)
_BUSINESS_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "software": ("Software", "Code Works", "Tech", "Digital"),
    "web_design": ("Design", "Digital", "Web Studio"),
    "qa": ("QA", "Testing Services"),
    "database": ("Data Systems", "Data"),
    "it_ops": ("IT Services", "Networks", "Tech Solutions"),
    "project": ("Consulting", "Advisory"),
    "data": ("Analytics", "Data Science", "Insights"),
    "graphic": ("Design", "Creative", "Design Studio"),
    "animation": ("Animation", "Motion", "Creative"),
    "cad": ("Design", "Engineering", "Drafting"),
    "writing": ("Content", "Copywriting", "Writing Services"),
    "translation": ("Translations", "Language Services"),
    "marketing": ("Marketing", "Digital Marketing", "Media"),
    "admin": ("Virtual Assistance", "Business Support", "Admin Services"),
    "support": ("Customer Care", "Support Services"),
    "accounting": ("Bookkeeping", "Accounting", "Financial Services"),
    "hr": ("Talent", "Staffing", "HR Consulting"),
    "legal": ("Legal Services", "Law"),
    "video": ("Media", "Films", "Video Production"),
    "audio": ("Audio", "Sound", "Studios"),
    "photo": ("Photography", "Studio", "Visuals"),
}
_BUSINESS_ADJECTIVES: Final = (
    "Bluebird",
    "Summit",
    "Northstar",
    "Brightline",
    "Cedar",
    "Harbor",
    "Evergreen",
    "Keystone",
    "Lumen",
    "Redwood",
    "Silverline",
    "Trailhead",
)
_ENTITY_SUFFIX: Final[dict[str, tuple[str, ...]]] = {
    "US": ("LLC", "LLC", "Inc.", "Co."),
    "CA": ("Inc.", "Ltd.", "Corp."),
    "IN": ("Pvt. Ltd.",),
    "DE": ("GmbH",),
    "BR": ("Ltda.",),
}


@dataclass(frozen=True, slots=True)
class _Occupation:
    code: str
    family: str
    rate_factor: float
    titles: tuple[str, ...]
    sentences: tuple[str, ...]
    skills: tuple[str, ...]
    skill_cum_weights: tuple[float, ...]
    esco: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Body:
    code: str
    name: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Tables:
    occupations: tuple[_Occupation, ...]
    occupation_cum: tuple[float, ...]
    country_cum: tuple[float, ...]
    variants: dict[str, tuple[str, ...]]
    certs_by_skill: dict[str, tuple[int, ...]]
    certs_by_family: dict[str, tuple[int, ...]]
    us_bodies: tuple[_Body, ...]
    ca_bodies: tuple[_Body, ...]
    missing_esco: tuple[str, ...]


def _cumulative(weights: Sequence[float]) -> tuple[float, ...]:
    out: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        out.append(total)
    return tuple(out)


def _read_tsv(name: str) -> Iterator[list[str]]:
    """Rows of an O*NET tab-separated file, header skipped."""
    with (_TAXONOMY / name).open(encoding="utf-8", newline="") as handle:
        next(handle)
        for line in handle:
            yield line.rstrip("\r\n").split("\t")


def _first_person(sentence: str) -> str | None:
    """Turn an O*NET description sentence ("Develop websites.") into "I develop websites."."""
    if sentence.startswith(("Includes", "Excludes", "Duties")):
        return None
    if sentence.startswith("May also "):
        return "I also " + sentence[len("May also ") :]
    if sentence.startswith("May "):
        return "I also " + sentence[len("May ") :]
    return "I " + sentence[0].lower() + sentence[1:]


def _clean_title(title: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", title).strip()


def _skill_variants(skill: str, linguist: dict[str, list[str]]) -> tuple[str, ...]:
    """Alias and variant spellings of an O*NET skill name (never the name itself)."""
    found: list[str] = list(_SKILL_ALIASES.get(skill, ()))
    found += [a for a in linguist.get(skill, ()) if a not in _LINGUIST_ALIAS_SKIP]
    for prefix in _VENDOR_PREFIXES:
        if skill.startswith(prefix) and len(skill) - len(prefix) >= 3:
            found.append(skill[len(prefix) :])
    match = _ACRONYM.match(skill)
    if match:
        found.append(match.group(1))
    if skill.endswith(".js"):
        found += [skill[:-3] + "JS", skill[:-3] + "js"]
    if not found and skill.lower() != skill:
        found.append(skill.lower())
    unique = dict.fromkeys(v for v in found if v and v != skill and len(v) <= _MAX_SKILL_CHARS)
    return tuple(unique)


def _load_linguist() -> dict[str, list[str]]:
    with (_TAXONOMY / "linguist_languages_aliases.json").open(encoding="utf-8") as handle:
        languages = json.load(handle)
    return {str(lang["name"]): [str(a) for a in lang.get("aliases", [])] for lang in languages}


def _load_esco_preferred(wanted: set[str]) -> set[str]:
    """Which of `wanted` are ESCO preferred labels."""
    found: set[str] = set()
    with (_TAXONOMY / "esco_skill_labels.csv").open(encoding="utf-8", newline="") as handle:
        for line in handle:
            # Labels may be quoted; only the unquoted ones can be in `wanted` (none has a comma).
            if line.endswith(",preferredLabel\r\n") or line.endswith(",preferredLabel\n"):
                label = line.split(",", 1)[1].rsplit(",", 1)[0]
                if label in wanted:
                    found.add(label)
    return found


def _load_bodies() -> tuple[tuple[_Body, ...], tuple[_Body, ...]]:
    with _REGISTRY.open(encoding="utf-8") as handle:
        registry = yaml.safe_load(handle)
    by_country: dict[str, tuple[_Body, ...]] = {}
    for country, entry in registry["countries"].items():
        by_country[str(country)] = tuple(
            _Body(str(b["code"]), str(b["name"]), tuple(str(c) for c in b["categories"]))
            for b in entry["bodies"]
        )
    return by_country["US"], by_country["CA"]


@functools.cache
def _tables() -> _Tables:
    """Load and index the taxonomy tables once."""
    codes = {spec[0] for spec in _OCCUPATIONS}
    descriptions: dict[str, str] = {}
    for row in _read_tsv("Occupation_Data.txt"):
        if row[0] in codes:
            descriptions[row[0]] = row[2]
    titles: dict[str, list[str]] = {code: [] for code in codes}
    for row in _read_tsv("Alternate_Titles.txt"):
        if row[0] in codes:
            titles[row[0]].append(row[1])
    skills: dict[str, list[tuple[str, float]]] = {code: [] for code in codes}
    for row in _read_tsv("Technology_Skills.txt"):
        if row[0] in codes and len(row[1]) <= _MAX_SKILL_CHARS:
            weight = 1.0 + 5.0 * (row[4] == "Y") + 2.0 * (row[5] == "Y")
            skills[row[0]].append((row[1], weight))

    wanted = {label for pool in _ESCO_POOLS.values() for label in pool}
    esco = _load_esco_preferred(wanted)
    linguist = _load_linguist()

    occupations: list[_Occupation] = []
    for code, _weight, family, rate, keywords in _OCCUPATIONS:
        names = [_clean_title(t) for t in titles[code]]
        names = [t for t in names if t and not _TITLE_BLOCKLIST.search(t)]
        if keywords:
            lowered = tuple(k.lower() for k in keywords)
            names = [t for t in names if any(k in t.lower() for k in lowered)]
        sentences = [
            s
            for s in (_first_person(part) for part in re.split(r"(?<=\.)\s+", descriptions[code]))
            if s
        ]
        occupations.append(
            _Occupation(
                code=code,
                family=family,
                rate_factor=rate,
                titles=tuple(dict.fromkeys(names)),
                sentences=tuple(sentences),
                skills=tuple(name for name, _ in skills[code]),
                skill_cum_weights=_cumulative([w for _, w in skills[code]]),
                esco=tuple(label for label in _ESCO_POOLS[family] if label in esco),
            )
        )

    all_skills = {s for occupation in occupations for s in occupation.skills}
    variants = {s: v for s in all_skills if (v := _skill_variants(s, linguist))}
    certs_by_skill: dict[str, list[int]] = {}
    certs_by_family: dict[str, list[int]] = {}
    for index, (_name, _issuer, trigger_skills, families) in enumerate(_SKILL_CERTS):
        for skill in trigger_skills:
            certs_by_skill.setdefault(skill, []).append(index)
        for family in families:
            certs_by_family.setdefault(family, []).append(index)
    us_bodies, ca_bodies = _load_bodies()
    return _Tables(
        occupations=tuple(occupations),
        occupation_cum=_cumulative([spec[1] for spec in _OCCUPATIONS]),
        country_cum=_cumulative([c[1] for c in _COUNTRIES]),
        variants=variants,
        certs_by_skill={k: tuple(v) for k, v in certs_by_skill.items()},
        certs_by_family={k: tuple(v) for k, v in certs_by_family.items()},
        us_bodies=us_bodies,
        ca_bodies=ca_bodies,
        missing_esco=tuple(sorted(wanted - esco)),
    )


_US_NAME_CUM: Final = _cumulative([w for _, w in _US_NAME_MIX])
_REGIONS: Final = tuple(_NAMES)
_ESCO_COUNT_CUM: Final = _cumulative((0.35, 0.3, 0.2, 0.15))
_US_KIND_CUM: Final = _cumulative(_US_CERT_KIND_WEIGHTS)
_CA_KIND_CUM: Final = _cumulative((80.0, 10.0, 10.0))
_BADGES: Final = ("rising_talent", "top_rated", "top_rated_plus")


def _pick(rng: random.Random, cum: tuple[float, ...]) -> int:
    """Index drawn with the given cumulative weights."""
    return bisect.bisect_right(cum, rng.random() * cum[-1], 0, len(cum) - 1)


def _policy_badge(
    first_contract_days_ago: int | None,
    total_jobs: int,
    job_success_score: float | None,
    earnings_12m_usd: float,
    profile_complete: bool,
) -> str | None:
    """The badge the indexer's policy (DESIGN) derives from the stats; None if none."""
    if not profile_complete or first_contract_days_ago is None:
        return None
    if first_contract_days_ago > 90:
        if job_success_score is not None and job_success_score >= 90 and earnings_12m_usd >= 1000:
            return "top_rated_plus" if earnings_12m_usd >= 10_000 else "top_rated"
        return None
    if total_jobs >= 1 and (job_success_score is None or job_success_score >= 80):
        return "rising_talent"
    return None


def _name(rng: random.Random, region: str) -> tuple[str, str]:
    if region == "us":
        region = _US_NAME_MIX[_pick(rng, _US_NAME_CUM)][0]
    elif rng.random() < 0.12:
        region = _REGIONS[rng.randrange(len(_REGIONS))]
    firsts, lasts = _NAMES[region]
    return firsts[rng.randrange(len(firsts))], lasts[rng.randrange(len(lasts))]


def _skills(rng: random.Random, t: _Tables, occ: _Occupation) -> tuple[list[str], list[str]]:
    """(profile skills as shown, the O*NET names they were drawn from) for one profile."""
    wanted = min(len(occ.skills), max(3, min(15, round(rng.gauss(7.3, 2.6)))))
    sources: list[str] = []
    for _ in range(4):
        draws = rng.choices(occ.skills, cum_weights=occ.skill_cum_weights, k=2 * wanted)
        sources = list(dict.fromkeys(sources + draws))[:wanted]
        if len(sources) == wanted:
            break
    shown: list[str] = []
    folded: set[str] = set()
    for name in sources:
        display = name
        variants = t.variants.get(name)
        if variants and rng.random() < 0.1:
            display = variants[rng.randrange(len(variants))]
        key = display.casefold()
        if key not in folded:
            folded.add(key)
            shown.append(display)
    esco_count = _pick(rng, _ESCO_COUNT_CUM)
    labels: list[str] = []
    for _ in range(esco_count):
        label = occ.esco[rng.randrange(len(occ.esco))]
        if label.casefold() not in folded:
            folded.add(label.casefold())
            labels.append(label)
    return shown + labels, sources


def _headline_skill(name: str) -> str | None:
    """A skill name fit for a title suffix ("| AWS Expert"), or None."""
    aliases = _SKILL_ALIASES.get(name)
    if aliases:
        return aliases[0]
    if len(name) <= 20 and name[:1].isupper() and not name.endswith("software"):
        return name
    return None


def _title(rng: random.Random, occ: _Occupation, sources: list[str]) -> tuple[str, str]:
    """(full title, base title without prefix or suffix)."""
    base = occ.titles[rng.randrange(len(occ.titles))]
    title = base
    roll = rng.random()
    if roll < 0.06:
        prefix = _TITLE_PREFIXES[rng.randrange(len(_TITLE_PREFIXES))]
        if not base.startswith(prefix.split()[0]):
            title = prefix + base
    elif roll < 0.24:
        short = [h for h in (_headline_skill(s) for s in sources[:4]) if h]
        if short:
            skill = short[rng.randrange(len(short))]
            style = rng.randrange(4)
            if style == 0:
                title = f"{base} | {skill} Expert"
            elif style == 1:
                title = f"{base} | {skill} Specialist"
            elif style == 2 and len(short) > 1:
                other = short[0] if short[0] != skill else short[1]
                title = f"{base} | {skill} & {other}"
            else:
                title = f"{base} - {skill}"
    return title, base


def _overview(
    rng: random.Random,
    occ: _Occupation,
    title: str,
    first: str,
    country: str,
    years: int,
    since: int,
    shown: list[str],
) -> str:
    article = "an" if title[:1] in "AEIOU" else "a"
    intro = _INTROS[rng.randrange(len(_INTROS))].format(
        title=title, years=years, first=first, article=article, country=country, since=since
    )
    parts = [intro]
    sentences = rng.choices((1, 2, 3, 4), weights=(15, 30, 30, 25))[0]
    if sentences >= 2 and occ.sentences:
        parts.append(occ.sentences[0])
        if len(occ.sentences) > 1 and rng.random() < 0.3:
            parts.append(occ.sentences[1 + rng.randrange(len(occ.sentences) - 1)])
    if sentences >= 3 and len(shown) >= 3:
        a, b, c = rng.sample(shown, 3)
        parts.append(_SKILL_SENTENCES[rng.randrange(len(_SKILL_SENTENCES))].format(a=a, b=b, c=c))
    if sentences >= 4:
        parts.append(_CLOSINGS[rng.randrange(len(_CLOSINGS))])
    return " ".join(parts)


def _skill_certifications(
    rng: random.Random, t: _Tables, family: str, sources: list[str], as_of_ordinal: int
) -> list[dict[str, Any]]:
    candidates = set(t.certs_by_family.get(family, ()))
    for name in sources:
        candidates.update(t.certs_by_skill.get(name, ()))
    if not candidates:
        return []
    ordered = sorted(candidates)
    chosen = rng.sample(ordered, min(len(ordered), 2 if rng.random() < 0.25 else 1))
    out: list[dict[str, Any]] = []
    for index in chosen:
        name, issuer, _skills, _families = _SKILL_CERTS[index]
        earned = None
        if rng.random() < 0.85:
            earned = date.fromordinal(as_of_ordinal - rng.randint(20, 5 * 365)).isoformat()
        out.append({"name": name, "issuer": issuer, "earned_on": earned})
    return out


def _body_display(rng: random.Random, body: _Body) -> str:
    """The body as an applicant types it: code or full name, in varied letter case."""
    roll = rng.random()
    if roll < 0.40:
        return body.code
    if roll < 0.70:
        return body.name
    if roll < 0.80:
        return body.code.lower()
    if roll < 0.88:
        return body.code.upper()
    if roll < 0.94:
        return body.name.lower()
    return body.name.upper()


def _business_name(rng: random.Random, family: str, first: str, last: str, country: str) -> str:
    words = _BUSINESS_WORDS[family]
    word = words[rng.randrange(len(words))]
    entities = _ENTITY_SUFFIX.get(country, ("Ltd",))
    entity = entities[rng.randrange(len(entities))]
    style = rng.randrange(3)
    if style == 0:
        return f"{last} {word} {entity}"
    if style == 1:
        adjective = _BUSINESS_ADJECTIVES[rng.randrange(len(_BUSINESS_ADJECTIVES))]
        return f"{adjective} {word} {entity}"
    return f"{first} {last} {word}"


def _diversity_certification(
    rng: random.Random,
    t: _Tables,
    country: str,
    business: str,
    as_of_ordinal: int,
) -> dict[str, Any]:
    if country == "US":
        kind = _US_CERT_KINDS[_pick(rng, _US_KIND_CUM)]
        bodies = t.us_bodies
    elif country == "CA":
        kind = ("approved", "expired", "pending")[_pick(rng, _CA_KIND_CUM)]
        bodies = t.ca_bodies
    else:
        kind, bodies = "unrecognised", ()
    if kind == "unrecognised":
        body_name, prefix, claimed = _UNRECOGNISED_BODIES[rng.randrange(len(_UNRECOGNISED_BODIES))]
        category = claimed[rng.randrange(len(claimed))]
        body_text = body_name
        types = _TYPES_BY_CATEGORY[category]
        status = "approved" if rng.random() < 0.7 else "pending"
    else:
        body = bodies[rng.randrange(len(bodies))]
        category = body.categories[rng.randrange(len(body.categories))]
        body_text = _body_display(rng, body)
        types = _TYPES_BY_BODY.get(body.code, _TYPES_BY_CATEGORY.get(category, ("MBE",)))
        prefix = _NUMBER_PREFIX.get(body.code) or re.sub(r"[^A-Za-z]", "", body.code).upper()
        status = "approved" if kind in ("approved", "expired") else kind
    if kind == "expired":
        expires = as_of_ordinal - rng.randint(1, 900)
    elif kind == "rejected":
        expires = as_of_ordinal + rng.randint(-200, 730)
    elif rng.random() < 0.12:
        expires = as_of_ordinal + rng.randint(1, 30)
    else:
        expires = as_of_ordinal + rng.randint(31, 540)
    expires_on = date.fromordinal(expires)
    issued_year = min(expires_on.year - 1, date.fromordinal(as_of_ordinal).year)
    return {
        "business_name": business,
        "category": category,
        "certifying_body": body_text,
        "certification_type": types[rng.randrange(len(types))],
        "certificate_number": f"{prefix}-{issued_year}-{rng.randrange(1_000_000):06d}",
        "expires_on": expires_on.isoformat(),
        "review_status": status,
        "country": country,
    }


def _profile(t: _Tables, seed: int, index: int, as_of: date) -> dict[str, Any]:
    """Profile number `index` (0-based) of the corpus for `seed`."""
    rng = random.Random(f"demo-corpus:{seed}:{index}")
    as_of_ordinal = as_of.toordinal()
    occ = t.occupations[_pick(rng, t.occupation_cum)]
    country, _w, country_rate, region, country_name = _COUNTRIES[_pick(rng, t.country_cum)]
    first, last = _name(rng, region)

    # Activity: jobs, first contract, job success, earnings, completeness.
    jobs = 0 if rng.random() < 0.25 else max(1, min(1500, int(math.exp(rng.gauss(1.2, 1.35)))))
    days_ago: int | None = None
    if jobs:
        recent = 0.14 if jobs <= 3 else 0.05 if jobs <= 10 else 0.01 if jobs <= 30 else 0.0
        if rng.random() < recent:
            days_ago = rng.randint(3, 90)
        else:
            shortest = 91 + min(jobs * 4, 1500)
            days_ago = shortest + int((2920 - shortest) * rng.random() ** 1.3)
    jss: int | None = None
    if jobs >= 3:
        jss = 100 if rng.random() < 0.25 else max(40, round(100 - rng.expovariate(1 / 7)))
    rate = (
        32.0
        * occ.rate_factor
        * country_rate
        * math.exp(rng.gauss(0.0, 0.55) + 0.05 * math.log1p(jobs))
    )
    rate = min(250.0, max(5.0, rate))
    rate = float(round(rate / 5) * 5) if rate >= 20 and rng.random() < 0.6 else float(round(rate))
    earnings = 0.0
    if days_ago is not None:
        active = 0.95 if days_ago < 365 else min(0.92, 0.45 + 0.12 * math.log1p(jobs))
        if rng.random() < active:
            hours = math.exp(rng.gauss(math.log(28) + 0.55 * math.log1p(jobs), 1.1))
            if days_ago < 365:
                hours *= days_ago / 365
            earnings = round(min(300_000.0, rate * hours), 2)
    complete_p = 0.5 if jobs == 0 else 0.72 if jobs < 3 else 0.8 if jobs < 10 else 0.9
    complete = rng.random() < complete_p
    derived = _policy_badge(days_ago, jobs, jss, earnings, complete)

    shown, sources = _skills(rng, t, occ)
    title, base_title = _title(rng, occ, sources)
    years = max(1, (days_ago or 0) // 365 + rng.randint(0, 6))
    overview: str | None = None
    if complete or rng.random() < 0.8:
        since = as_of.year - years
        overview = _overview(rng, occ, base_title, first, country_name, years, since, shown)
    display_name = f"{first} {last[0]}." if rng.random() < 0.3 else f"{first} {last}"

    profile: dict[str, Any] = {
        "id": f"fl-{index + 1:07d}",
        "name": display_name,
        "title": title,
        "overview": overview,
        "skills": shown,
    }
    if rng.random() >= 0.05:
        profile["hourly_rate_usd"] = rate
    profile["country"] = country
    profile["job_success_score"] = jss
    profile["earnings_12m_usd"] = earnings
    profile["total_jobs"] = jobs
    profile["first_contract_date"] = (
        date.fromordinal(as_of_ordinal - days_ago).isoformat() if days_ago is not None else None
    )
    profile["profile_complete"] = complete
    vetted_p = 0.012 if derived in ("top_rated", "top_rated_plus") else 0.001
    profile["expert_vetted"] = rng.random() < vetted_p

    # Upstream badge assertion on ~1% of profiles, mostly agreeing with the policy.
    roll = rng.random()
    if derived is not None and roll < 0.05:
        if rng.random() < 0.85:
            profile["badge"] = derived
        else:
            profile["badge"] = rng.choice([b for b in _BADGES if b != derived])
    elif derived is None and roll < 0.001:
        profile["badge"] = _BADGES[rng.randrange(len(_BADGES))]

    profile["skill_certifications"] = (
        _skill_certifications(rng, t, occ.family, sources, as_of_ordinal)
        if rng.random() < 0.1
        else []
    )
    hold_p = 0.062 if country == "US" else 0.09 if country == "CA" else 0.008
    certifications: list[dict[str, Any]] = []
    if rng.random() < hold_p:
        business = _business_name(rng, occ.family, first, last, country)
        for _ in range(2 if rng.random() < 0.1 else 1):
            certifications.append(
                _diversity_certification(rng, t, country, business, as_of_ordinal)
            )
    profile["diversity_certifications"] = certifications
    updated = datetime(as_of.year, as_of.month, as_of.day) - timedelta(
        seconds=rng.randrange(1, 60 * 86_400)
    )
    profile["updated_at"] = updated.isoformat() + "Z"
    return profile


def generate_profiles(
    count: int, seed: int = 42, as_of: date | None = None
) -> Iterator[dict[str, Any]]:
    """Yield `count` demo profiles as JSON-ready dicts, lazily.

    Profile ``i`` depends only on ``(seed, i, as_of)``; ``as_of`` (default 2026-11-01) anchors
    every relative date, so the output never depends on today's date.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    return _stream(_tables(), count, seed, as_of or DEFAULT_AS_OF)


def _stream(t: _Tables, count: int, seed: int, as_of: date) -> Iterator[dict[str, Any]]:
    for index in range(count):
        yield _profile(t, seed, index, as_of)


_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def write_demo_corpus(
    path: Path,
    count: int,
    seed: int = 42,
    as_of: date | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write `count` profiles to `path` as JSON Lines; return the number written.

    ``on_progress(n)`` is called every 1,000 lines and once at the end.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    encode = _ENCODER.encode
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for profile in generate_profiles(count, seed=seed, as_of=as_of):
            handle.write(encode(profile))
            handle.write("\n")
            written += 1
            if on_progress is not None and written % _PROGRESS_EVERY == 0:
                on_progress(written)
    if on_progress is not None and written % _PROGRESS_EVERY != 0:
        on_progress(written)
    return written

"""The city report's own words, in French, English, Spanish and Arabic.

Content (charter texts, city names, narratives) comes from the data, with per-field fallback to
the charter's language; these are only the report's labels. Numbers and dates go through Babel.
"""

from __future__ import annotations

from indicators.flags import FLAG_TEXT

SUPPORTED = ("fr", "en", "es", "ar")
RTL = {"ar"}

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "network_report": "Network report", "heat_map": "Progress by city and principle",
        "adoption_curves": "Cities that adopted each principle, by year", "city_summaries": "Cities at a glance",
        "cities": "Cities", "no_signatories": "No city has a standing signature of this charter.",
        "heat_legend": "Cells show progress; empty cells: no commitment of the principle adopted.",
        "method.network": "Only cities whose latest signature act stands are counted. A city adopted a "
                          "principle once it adopted one of its commitments.",
        "challenge": "Challenge",
        "badge.verified": "verified", "badge.contested": "contested",
        "assurance": "Assurance", "challenges": "Challenges", "challenge.open": "open, awaiting the city's reply",
        "challenge.answered": "answered by the city", "challenge.ruled": "ruled",
        "challenge.overdue": "no reply for more than 30 days", "reply": "Reply", "ruling": "Ruling",
        "role.secretariat": "Network secretariat", "role.city_editor": "The city", "role.reviewer": "Reviewer",
        "outcome.upheld": "upheld", "outcome.dismissed": "dismissed", "outcome.partly_upheld": "partly upheld",
        "on_claim": "on", "counter_evidence": "Counter-evidence", "superseded": "corrected",
        "draft": "draft", "drafts_included": "Preview including unpublished drafts",
        "report": "Progress report", "city": "City", "charter": "Charter", "period": "Reporting period",
        "as_of": "Data as of", "report_date": "Report date", "report_id": "Report id",
        "data_hash": "Data hash", "signed": "Signed on", "act": "Act", "issuer": "Issued by",
        "scorecard": "Scorecard", "principle": "Principle", "adopted": "Adopted", "achieved": "Achieved",
        "on_track": "On track", "delayed": "Delayed", "overdue": "Overdue", "progress": "Progress",
        "claims": "Claims", "verified": "verified", "self_reported": "self-reported",
        "contested": "contested", "status": "Status", "last_update": "last update", "owner": "Owner",
        "due": "Due", "no_due": "no due date", "indicator": "Indicator", "baseline": "Baseline",
        "latest": "Latest", "target": "Target", "narrative": "Latest narrative", "flags": "Flags",
        "evidence": "Evidence", "evidence_annex": "Evidence annex", "methodology": "Methodology",
        "no_adoptions": "The city has not adopted any commitment of this charter yet.",
        "no_indicators": "No indicator measures this commitment.",
        "no_measurement": "no measurement", "no_target": "no target", "none": "none",
        "not_reported": "no status reported", "kind": "Kind", "date": "Date", "link": "Link",
        "file": "File", "page": "Page", "total": "All principles",
        "status.not_started": "Not started", "status.in_progress": "In progress",
        "status.achieved": "Achieved", "status.delayed": "Delayed", "status.withdrawn": "Withdrawn",
        "method.progress": "An indicator's progress is (latest − baseline) / (target − baseline), "
                           "clamped between 0 and 100 %; the same formula serves indicators that "
                           "should decrease. A commitment's progress is the mean of its indicators' "
                           "(an indicator without data counts as 0), or 100 % when it is achieved and "
                           "has no indicator. A principle's progress is the mean over the adopted "
                           "commitments, withdrawn ones left out.",
        "method.on_track": "On track: in progress, not past due, and at least as far along as the "
                           "time elapsed between adoption and due date.",
        "method.assurance": "Every claim is self-reported by the city unless the secretariat has "
                            "verified its evidence (marked “verified”); a claim under an open challenge, or "
                            "whose challenge was upheld and which the city has not corrected, is "
                            "“contested”. Unmarked claims are self-reported. A corrected claim is "
                            "replaced by its correction.",
        "method.dates": "Flags are computed on the report date; the data hash covers the data and that date.",
        "statuses": "Statuses", "sep": ", ",
    },
    "fr": {
        "network_report": "Rapport du réseau", "heat_map": "Avancement par ville et par principe",
        "adoption_curves": "Villes ayant adopté chaque principe, par année", "city_summaries": "Les villes en bref",
        "cities": "Villes", "no_signatories": "Aucune ville n’a de signature en vigueur de cette charte.",
        "heat_legend": "Les cases indiquent l’avancement ; case vide : aucun engagement du principe adopté.",
        "method.network": "Seules les villes dont le dernier acte de signature est en vigueur sont comptées. "
                          "Une ville a adopté un principe dès qu’elle a adopté l’un de ses engagements.",
        "challenge": "Contestation",
        "badge.verified": "vérifiée", "badge.contested": "contestée",
        "assurance": "Fiabilité", "challenges": "Contestations", "challenge.open": "ouverte, en attente de la réponse de la ville",
        "challenge.answered": "la ville a répondu", "challenge.ruled": "tranchée",
        "challenge.overdue": "sans réponse depuis plus de 30 jours", "reply": "Réponse", "ruling": "Décision",
        "role.secretariat": "Secrétariat du réseau", "role.city_editor": "La ville", "role.reviewer": "Relecteur",
        "outcome.upheld": "fondée", "outcome.dismissed": "rejetée", "outcome.partly_upheld": "partiellement fondée",
        "on_claim": "sur", "counter_evidence": "Contre-preuves", "superseded": "corrigée",
        "draft": "brouillon", "drafts_included": "Aperçu incluant des brouillons non publiés",
        "report": "Rapport d’avancement", "city": "Ville", "charter": "Charte",
        "period": "Période couverte", "as_of": "Données arrêtées au", "report_date": "Date du rapport",
        "report_id": "Identifiant du rapport", "data_hash": "Empreinte des données",
        "signed": "Signée le", "act": "Acte", "issuer": "Émise par", "scorecard": "Tableau de bord",
        "principle": "Principe", "adopted": "Adoptés", "achieved": "Réalisés", "on_track": "En bonne voie",
        "delayed": "En retard", "overdue": "Échéance dépassée", "progress": "Avancement",
        "claims": "Déclarations", "verified": "vérifiées", "self_reported": "auto-déclarées",
        "contested": "contestées", "status": "Statut", "last_update": "dernière mise à jour",
        "owner": "Service responsable", "due": "Échéance", "no_due": "sans échéance",
        "indicator": "Indicateur", "baseline": "Référence", "latest": "Dernière valeur",
        "target": "Cible", "narrative": "Dernier commentaire", "flags": "Alertes",
        "evidence": "Preuves", "evidence_annex": "Annexe des preuves", "methodology": "Méthodologie",
        "no_adoptions": "La ville n’a encore adopté aucun engagement de cette charte.",
        "no_indicators": "Aucun indicateur ne mesure cet engagement.",
        "no_measurement": "aucune mesure", "no_target": "pas de cible", "none": "aucune",
        "not_reported": "aucun statut déclaré", "kind": "Type", "date": "Date", "link": "Lien",
        "file": "Fichier", "page": "Page", "total": "Tous les principes",
        "status.not_started": "Non commencé", "status.in_progress": "En cours",
        "status.achieved": "Réalisé", "status.delayed": "Retardé", "status.withdrawn": "Retiré",
        "method.progress": "L’avancement d’un indicateur vaut (dernière valeur − référence) / "
                           "(cible − référence), borné entre 0 et 100 % ; la même formule vaut pour les "
                           "indicateurs qui doivent baisser. L’avancement d’un engagement est la "
                           "moyenne de ses indicateurs (un indicateur sans donnée compte pour 0), ou "
                           "100 % s’il est réalisé sans indicateur. Celui d’un principe est la moyenne "
                           "des engagements adoptés, hors engagements retirés.",
        "method.on_track": "En bonne voie : en cours, échéance non dépassée, et avancement au moins "
                           "égal au temps écoulé entre l’adoption et l’échéance.",
        "method.assurance": "Chaque déclaration est auto-déclarée par la ville, sauf si le "
                            "secrétariat en a vérifié les preuves ; une déclaration visée par une "
                            "contestation ouverte, ou jugée fondée sans correction par la ville, est « contestée ». "
                            "Les déclarations sans mention sont auto-déclarées. Une déclaration "
                            "corrigée est remplacée par sa correction.",
        "method.dates": "Les alertes sont calculées à la date du rapport ; l’empreinte couvre les données et cette date.",
        "statuses": "Statuts", "sep": ", ",
    },
    "es": {
        "network_report": "Informe de la red", "heat_map": "Avance por ciudad y principio",
        "adoption_curves": "Ciudades que adoptaron cada principio, por año", "city_summaries": "Las ciudades de un vistazo",
        "cities": "Ciudades", "no_signatories": "Ninguna ciudad tiene una firma vigente de esta carta.",
        "heat_legend": "Las celdas muestran el avance; celda vacía: ningún compromiso del principio adoptado.",
        "method.network": "Solo se cuentan las ciudades cuyo último acto de firma está vigente. Una ciudad "
                          "adoptó un principio en cuanto adoptó uno de sus compromisos.",
        "challenge": "Impugnación",
        "badge.verified": "verificada", "badge.contested": "impugnada",
        "assurance": "Fiabilidad", "challenges": "Impugnaciones", "challenge.open": "abierta, en espera de la respuesta de la ciudad",
        "challenge.answered": "respondida por la ciudad", "challenge.ruled": "resuelta",
        "challenge.overdue": "sin respuesta desde hace más de 30 días", "reply": "Respuesta", "ruling": "Resolución",
        "role.secretariat": "Secretaría de la red", "role.city_editor": "La ciudad", "role.reviewer": "Revisor",
        "outcome.upheld": "admitida", "outcome.dismissed": "desestimada", "outcome.partly_upheld": "admitida en parte",
        "on_claim": "sobre", "counter_evidence": "Contrapruebas", "superseded": "corregida",
        "draft": "borrador", "drafts_included": "Vista previa con borradores no publicados",
        "report": "Informe de avance", "city": "Ciudad", "charter": "Carta",
        "period": "Periodo del informe", "as_of": "Datos a fecha de", "report_date": "Fecha del informe",
        "report_id": "Identificador del informe", "data_hash": "Huella de los datos",
        "signed": "Firmada el", "act": "Acto", "issuer": "Emitida por", "scorecard": "Cuadro de mando",
        "principle": "Principio", "adopted": "Adoptados", "achieved": "Logrados", "on_track": "En buen camino",
        "delayed": "Retrasados", "overdue": "Vencidos", "progress": "Avance", "claims": "Declaraciones",
        "verified": "verificadas", "self_reported": "autodeclaradas", "contested": "impugnadas",
        "status": "Estado", "last_update": "última actualización", "owner": "Unidad responsable",
        "due": "Plazo", "no_due": "sin plazo", "indicator": "Indicador", "baseline": "Línea de base",
        "latest": "Último valor", "target": "Meta", "narrative": "Último comentario", "flags": "Alertas",
        "evidence": "Evidencias", "evidence_annex": "Anexo de evidencias", "methodology": "Metodología",
        "no_adoptions": "La ciudad aún no ha adoptado ningún compromiso de esta carta.",
        "no_indicators": "Ningún indicador mide este compromiso.",
        "no_measurement": "sin medición", "no_target": "sin meta", "none": "ninguna",
        "not_reported": "sin estado declarado", "kind": "Tipo", "date": "Fecha", "link": "Enlace",
        "file": "Archivo", "page": "Página", "total": "Todos los principios",
        "status.not_started": "No iniciado", "status.in_progress": "En curso",
        "status.achieved": "Logrado", "status.delayed": "Retrasado", "status.withdrawn": "Retirado",
        "method.progress": "El avance de un indicador es (último valor − línea de base) / (meta − "
                           "línea de base), acotado entre 0 y 100 %; la misma fórmula sirve para "
                           "indicadores que deben bajar. El de un compromiso es la media de sus "
                           "indicadores (sin datos cuenta 0), o 100 % si está logrado y no tiene "
                           "indicadores. El de un principio es la media de los compromisos adoptados, "
                           "sin los retirados.",
        "method.on_track": "En buen camino: en curso, sin plazo vencido y con un avance al menos igual "
                           "al tiempo transcurrido entre la adopción y el plazo.",
        "method.assurance": "Cada declaración es autodeclarada por la ciudad salvo que la secretaría "
                            "haya verificado su evidencia («verificada»); con una impugnación abierta, o admitida "
                            "sin corrección de la ciudad, está «impugnada». Las declaraciones sin "
                            "marca son autodeclaradas. Una declaración corregida se sustituye por su "
                            "corrección.",
        "method.dates": "Las alertas se calculan en la fecha del informe; la huella cubre los datos y esa fecha.",
        "statuses": "Estados", "sep": ", ",
    },
    "ar": {
        "network_report": "تقرير الشبكة", "heat_map": "التقدّم حسب المدينة والمبدأ",
        "adoption_curves": "المدن التي اعتمدت كل مبدأ، حسب السنة", "city_summaries": "المدن في لمحة",
        "cities": "المدن", "no_signatories": "لا توجد مدينة لها توقيع ساري المفعول على هذا الميثاق.",
        "heat_legend": "تبيّن الخانات نسبة التقدّم؛ الخانة الفارغة: لم يُعتمد أيّ التزام من المبدأ.",
        "method.network": "لا تُحتسب إلا المدن التي ما زال آخر توقيع لها ساريًا. وتُعدّ المدينة قد اعتمدت "
                          "مبدأً متى اعتمدت أحد التزاماته.",
        "challenge": "طعن",
        "badge.verified": "موثّق", "badge.contested": "مطعون فيه",
        "assurance": "الموثوقية", "challenges": "الطعون", "challenge.open": "مفتوح، بانتظار ردّ المدينة",
        "challenge.answered": "ردّت المدينة", "challenge.ruled": "صدر فيه قرار",
        "challenge.overdue": "بلا ردّ منذ أكثر من 30 يومًا", "reply": "الردّ", "ruling": "القرار",
        "role.secretariat": "أمانة الشبكة", "role.city_editor": "المدينة", "role.reviewer": "مراجع",
        "outcome.upheld": "مقبول", "outcome.dismissed": "مرفوض", "outcome.partly_upheld": "مقبول جزئيًا",
        "on_claim": "على", "counter_evidence": "أدلة مضادة", "superseded": "مصحَّح",
        "draft": "مسودة", "drafts_included": "معاينة تتضمّن مسودات غير منشورة",
        "report": "تقرير التقدّم", "city": "المدينة", "charter": "الميثاق", "period": "فترة التقرير",
        "as_of": "البيانات حتى", "report_date": "تاريخ التقرير", "report_id": "معرّف التقرير",
        "data_hash": "بصمة البيانات", "signed": "وُقّع في", "act": "الصك", "issuer": "الجهة المُصدِرة",
        "scorecard": "لوحة النتائج", "principle": "المبدأ", "adopted": "المعتمدة", "achieved": "المنجزة",
        "on_track": "على المسار", "delayed": "المتأخرة", "overdue": "تجاوزت الأجل", "progress": "التقدّم",
        "claims": "التصريحات", "verified": "موثّقة", "self_reported": "مصرّح بها ذاتيًا",
        "contested": "مطعون فيها", "status": "الحالة", "last_update": "آخر تحديث",
        "owner": "المصلحة المسؤولة", "due": "الأجل", "no_due": "دون أجل", "indicator": "المؤشر",
        "baseline": "خط الأساس", "latest": "آخر قيمة", "target": "الهدف", "narrative": "آخر تعليق",
        "flags": "تنبيهات", "evidence": "الأدلة", "evidence_annex": "ملحق الأدلة",
        "methodology": "المنهجية", "no_adoptions": "لم تعتمد المدينة بعد أيّ التزام من هذا الميثاق.",
        "no_indicators": "لا يقيس أيّ مؤشر هذا الالتزام.", "no_measurement": "لا قياس",
        "no_target": "لا هدف", "none": "لا شيء", "not_reported": "لم يُصرّح بأيّ حالة",
        "kind": "النوع", "date": "التاريخ", "link": "الرابط", "file": "الملف", "page": "صفحة",
        "total": "كل المبادئ",
        "status.not_started": "لم يبدأ", "status.in_progress": "قيد الإنجاز", "status.achieved": "منجز",
        "status.delayed": "متأخر", "status.withdrawn": "مسحوب",
        "method.progress": "تقدّم المؤشر = (آخر قيمة − خط الأساس) / (الهدف − خط الأساس)، محصورًا بين 0 "
                           "و100٪، وتصلح الصيغة نفسها للمؤشرات التي يُراد خفضها. تقدّم الالتزام هو "
                           "متوسط مؤشراته (المؤشر دون بيانات يُحسب صفرًا)، أو 100٪ إن أُنجز ولا مؤشر له. "
                           "تقدّم المبدأ هو متوسط الالتزامات المعتمدة باستثناء المسحوبة.",
        "method.on_track": "على المسار: قيد الإنجاز، لم يتجاوز أجله، وتقدّمه لا يقلّ عن الوقت المنقضي "
                           "بين الاعتماد والأجل.",
        "method.assurance": "كل تصريح مصرّح به ذاتيًا من المدينة ما لم تتحقّق الأمانة من أدلته؛ "
                            "والتصريح الذي يخضع لطعن مفتوح، أو لطعن مقبول لم تصحّحه المدينة، يُعدّ «مطعونًا فيه». "
                            "التصريحات بلا علامة مصرّح بها ذاتيًا، والتصريح المصحَّح يحلّ محلّه تصحيحه.",
        "method.dates": "تُحسب التنبيهات في تاريخ التقرير؛ وتشمل البصمة البيانات وذلك التاريخ.",
        "statuses": "الحالات", "sep": "، ",
    },
}

# The flags' names and meanings are decided with the flags themselves (indicators/flags.py).
for _lang, _texts in LABELS.items():
    for _code, (_label, _help) in FLAG_TEXT[_lang].items():
        _texts[f"flag.{_code}"] = _label
        _texts[f"flag_help.{_code}"] = _help

EVIDENCE_KINDS: dict[str, dict[str, str]] = {
    "en": {"council_decision": "council decision", "budget": "budget", "report": "report",
           "statistics": "statistics", "media": "media", "photo": "photo", "other": "other"},
    "fr": {"council_decision": "délibération", "budget": "budget", "report": "rapport",
           "statistics": "statistiques", "media": "média", "photo": "photo", "other": "autre"},
    "es": {"council_decision": "acuerdo municipal", "budget": "presupuesto", "report": "informe",
           "statistics": "estadísticas", "media": "medios", "photo": "foto", "other": "otro"},
    "ar": {"council_decision": "مداولة المجلس", "budget": "ميزانية", "report": "تقرير",
           "statistics": "إحصاءات", "media": "إعلام", "photo": "صورة", "other": "أخرى"},
}

"""The summary and description of the API operations whose views do not declare their own with
``extend_schema`` (docs/api.md: every operation says what it does and who may call it).

``api.schema.PolkuAutoSchema`` reads this table; it appends to every description the roles the
operation's capability allows (from ``core.access``) and, for transitions, which role may move to
which status (from the models' transition tables), so neither is typed twice.
``tests/api/test_schema_docs.py`` fails for an operation without its own summary and
description."""

from __future__ import annotations

#: (METHOD, path) → (summary, description)
OPERATIONS: dict[tuple[str, str], tuple[str, str]] = {
    # Authentication
    ("POST", "/api/v1/auth/token/"): (
        "Get a bearer token",
        'Exchange `{"username", "password"}` for a bearer token valid 8 hours. Wrong credentials '
        "answer 401; ten consecutive failures for one username from one address lock the pair for "
        "15 minutes (429 `locked_out` with `Retry-After`).",
    ),
    ("DELETE", "/api/v1/auth/token/"): (
        "Revoke your bearer token",
        "Revoke the token this request is authenticated with; it answers 401 from then on.",
    ),
    # Participants
    ("GET", "/api/v1/participants/"): (
        "List participants",
        "Participants of the caller's municipalities, filtered and ordered; access-logged "
        "(one event naming every participant on the page).",
    ),
    ("POST", "/api/v1/participants/"): (
        "Create a participant",
        "Create a participant in one of the caller's municipalities, in status `referred`. A "
        "personal identity code already held answers 409 `duplicate_identity_code` without "
        "saying where.",
    ),
    ("GET", "/api/v1/participants/{id}/"): (
        "Read a participant",
        "One participant (identity code masked); access-logged.",
    ),
    ("PATCH", "/api/v1/participants/{id}/"): (
        "Change a participant",
        "Change a participant's details (send `If-Match`). The status changes only through "
        "`transition/`.",
    ),
    ("POST", "/api/v1/participants/{id}/transition/"): (
        "Move a participant to another status",
        'Body `{"to", "on", "reason", "exit_reason"}`. `on` is not in the future nor before the '
        "previous change; `exited` is final and needs an `exit_reason`. Each transition's reason "
        "is kept in its history row.",
    ),
    ("GET", "/api/v1/participants/{id}/history/"): (
        "A participant's change history",
        "Every history row of the participant and of everything attached to it, newest first, "
        "with its actor, reason and changed fields; access-logged.",
    ),
    ("GET", "/api/v1/participants/{id}/access-log/"): (
        "Who read a participant's data",
        "The participant's read-access log, newest first.",
    ),
    ("GET", "/api/v1/participants/{id}/consents/"): (
        "List a participant's consents",
        "The participant's consents, valid or not; access-logged.",
    ),
    ("POST", "/api/v1/participants/{id}/consents/"): (
        "Record a consent",
        "Record the participant's consent (purpose `share_with_employers`).",
    ),
    ("POST", "/api/v1/consents/{id}/withdraw/"): (
        "Withdraw a consent",
        "Withdraw a consent: every further disclosure it allowed stops at once (employers see "
        "`candidate: null`).",
    ),
    # Case notes
    ("GET", "/api/v1/case-notes/"): ("List case notes", "Case notes of the caller's participants."),
    ("POST", "/api/v1/case-notes/"): ("Write a case note", "Record a guidance meeting or contact."),
    ("GET", "/api/v1/case-notes/{id}/"): ("Read a case note", "One case note; access-logged."),
    ("PATCH", "/api/v1/case-notes/{id}/"): ("Change a case note", "Correct a case note."),
    # Assessments
    ("GET", "/api/v1/language-assessments/"): (
        "List language assessments",
        "Language assessments of the caller's participants (one level per skill).",
    ),
    ("POST", "/api/v1/language-assessments/"): (
        "Record a language assessment",
        "Levels per skill on the Finnish sub-level scale A1.1 … C2.2; CEFR and YKI are derived.",
    ),
    ("GET", "/api/v1/language-assessments/{id}/"): (
        "Read a language assessment",
        "One language assessment.",
    ),
    ("PATCH", "/api/v1/language-assessments/{id}/"): (
        "Change a language assessment",
        "Correct a language assessment.",
    ),
    ("GET", "/api/v1/skill-assessments/"): (
        "List skill assessments",
        "Vocational skill assessments of the caller's participants.",
    ),
    ("POST", "/api/v1/skill-assessments/"): (
        "Record a skill assessment",
        "An occupation (ISCO-08) or ESCO skill with a level 1–4 and years of experience.",
    ),
    ("GET", "/api/v1/skill-assessments/{id}/"): ("Read a skill assessment", "One assessment."),
    ("PATCH", "/api/v1/skill-assessments/{id}/"): (
        "Change a skill assessment",
        "Correct a skill assessment.",
    ),
    ("GET", "/api/v1/licence-types/"): (
        "List licence types",
        "The licence-card catalogue (docs/domain.md).",
    ),
    ("GET", "/api/v1/licence-types/{code}/"): ("Read a licence type", "One licence type by code."),
    ("GET", "/api/v1/trainings/"): (
        "List trainings",
        "Licence-card trainings of the caller's employment areas.",
    ),
    ("POST", "/api/v1/trainings/"): (
        "Create a training",
        "A licence-card training in one of the caller's municipalities.",
    ),
    ("GET", "/api/v1/trainings/{id}/"): ("Read a training", "One training with its free seats."),
    ("PATCH", "/api/v1/trainings/{id}/"): (
        "Change a training",
        "Change a training; its seats never drop below the enrolments holding one.",
    ),
    ("GET", "/api/v1/enrolments/"): ("List enrolments", "Enrolments of the caller's participants."),
    ("POST", "/api/v1/enrolments/"): (
        "Enrol a participant on a training",
        "Never more enrolments than seats (409 when full).",
    ),
    ("GET", "/api/v1/enrolments/{id}/"): ("Read an enrolment", "One enrolment."),
    ("POST", "/api/v1/enrolments/{id}/transition/"): (
        "Move an enrolment to another status",
        '`{"to", "reason", "issued_on", "card_number"}`; `passed` creates the licence card in '
        "the same transaction.",
    ),
    ("GET", "/api/v1/licence-cards/"): (
        "List licence cards",
        "Cards of the caller's participants.",
    ),
    ("POST", "/api/v1/licence-cards/"): (
        "Record a licence card",
        "`valid_until` is computed from the type's validity unless given.",
    ),
    ("GET", "/api/v1/licence-cards/{id}/"): ("Read a licence card", "One licence card."),
    ("PATCH", "/api/v1/licence-cards/{id}/"): (
        "Change a licence card",
        "Correct or verify a card.",
    ),
    # Employers and vacancies
    ("GET", "/api/v1/employers/"): (
        "List employers",
        "Counsellors and the coordinator read every employer; an employer user reads its own.",
    ),
    ("POST", "/api/v1/employers/"): (
        "Create an employer",
        "Business id (Y-tunnus) checked and unique.",
    ),
    ("GET", "/api/v1/employers/{id}/"): ("Read an employer", "One employer."),
    ("PATCH", "/api/v1/employers/{id}/"): ("Change an employer", "Change an employer's details."),
    ("GET", "/api/v1/vacancies/"): (
        "List vacancies",
        "Counsellors and the coordinator read the vacancies of their employment areas; an "
        "employer user its own.",
    ),
    ("POST", "/api/v1/vacancies/"): (
        "Create a vacancy",
        "Counsellors create vacancies in their municipalities; an employer user for its own "
        "employer.",
    ),
    ("GET", "/api/v1/vacancies/{id}/"): ("Read a vacancy", "One vacancy."),
    ("PATCH", "/api/v1/vacancies/{id}/"): (
        "Change a vacancy",
        "Change a vacancy (its employer or a counsellor of its municipality).",
    ),
    ("POST", "/api/v1/vacancies/{id}/transition/"): (
        "Open, fill or close a vacancy",
        '`{"to", "reason"}` by its employer or a counsellor of its municipality. A hire that '
        "takes the last position moves the vacancy to `filled` by itself.",
    ),
    ("GET", "/api/v1/vacancies/{id}/candidates/"): (
        "Rank a vacancy's candidates",
        "Eligible candidates first, then near-eligible ones with their gaps and the training "
        "that closes each; only participants the caller may read; never stored; access-logged.",
    ),
    # Matches
    ("GET", "/api/v1/matches/"): (
        "List matches",
        "Counsellors read the matches of their participants (`participant`, `explanation`, "
        "both reasons). An employer user reads its vacancies' matches from `shared` on, with "
        "the pseudonymised `candidate` (null without a valid consent) and only its own "
        "`reason`: the answer is one of the two shapes by the caller's role.",
    ),
    ("POST", "/api/v1/matches/"): (
        "Propose a participant for a vacancy",
        "Creates a match in `proposed`. The score and explanation are computed by the matching "
        "service for the pair (never taken from the body); only an `active` or `job_seeking` "
        "participant can be proposed (400 naming `participant`); one open match per vacancy "
        "and participant (409 `duplicate_match`).",
    ),
    ("GET", "/api/v1/matches/{id}/"): (
        "Read a match",
        "Counsellors get the counsellor shape; an employer user the employer shape (from "
        "`shared` on, `candidate` pseudonymised, contacts from `interview` on).",
    ),
    ("POST", "/api/v1/matches/{id}/transition/"): (
        "Move a match to another status",
        '`{"to", "reason", "reason_code"}` (and for `hired`: `starts_on`, `contract_type`, '
        "`hours_per_week`). `rejected`, `declined` and `withdrawn` need a `reason_code`. "
        "`shared` needs a valid `share_with_employers` consent (409 `consent_required`). "
        "`hired` creates the outcome, moves the participant to `employed` (409 "
        "`participant_unavailable` unless active or job seeking) and fills the vacancy when it "
        "takes the last position. Each transition's reason is kept in its own history row; an "
        "employer reads back only its own reasons. A move the other role may make answers 403.",
    ),
    # Outcomes
    ("GET", "/api/v1/outcomes/"): ("List outcomes", "Employment and education outcomes."),
    ("POST", "/api/v1/outcomes/"): (
        "Record an outcome",
        "An outcome found without a match (a hire through a match records its own).",
    ),
    ("GET", "/api/v1/outcomes/{id}/"): ("Read an outcome", "One outcome."),
    ("PATCH", "/api/v1/outcomes/{id}/"): (
        "Change an outcome",
        "Change an outcome, e.g. record the ESF follow-ups at 4 weeks and 6 months.",
    ),
    # Catalogues and reporting
    ("GET", "/api/v1/municipalities/"): (
        "List municipalities",
        "Public facts about the municipalities the caller works with.",
    ),
    ("GET", "/api/v1/municipalities/{code}/"): (
        "Read a municipality",
        "One municipality by its Statistics Finland code.",
    ),
    ("GET", "/api/v1/municipalities/{code}/dashboard/"): (
        "A municipality's dashboard",
        "Aggregates of one municipality, small counts suppressed; no personal data.",
    ),
    ("GET", "/api/v1/dashboard/"): (
        "The whole pilot's dashboard",
        "Aggregates of every municipality, small counts suppressed; no personal data.",
    ),
    ("GET", "/api/v1/reports/esf/"): (
        "The ESF+ participant report",
        "The ESF+ indicators of one municipality or the pilot for a period, as JSON, CSV or "
        "XLSX; no personal data.",
    ),
}

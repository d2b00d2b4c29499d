from tests import factories


def test_factories_build_one_of_everything_with_history():
    counsellor = factories.counsellor("182")
    match = factories.MatchFactory()
    factories.LicenceCardFactory(participant=match.participant)
    factories.LanguageAssessmentFactory(participant=match.participant)
    factories.SkillAssessmentFactory(participant=match.participant)
    factories.EnrolmentFactory(participant=match.participant)
    factories.OutcomeFactory(participant=match.participant)
    factories.ConsentFactory(participant=match.participant)
    factories.CaseNoteFactory(participant=match.participant)
    factories.employer_user()
    assert match.participant.history.count() == 1
    assert match.history.get().history_user.username == "polku-system"
    assert counsellor.role_grants.count() == 1

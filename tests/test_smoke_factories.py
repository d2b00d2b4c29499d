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


def test_the_plan_factories_build_audited_rows_in_the_participants_municipality():
    participant = factories.ParticipantFactory(municipality=factories.municipality("992"))
    assessment = factories.ServiceNeedsAssessmentFactory(participant=participant, completed=True)
    plan = factories.PlanFactory(participant=participant, agreed=True)
    review = factories.PlanReviewFactory(plan=plan)
    appointment = factories.AppointmentFactory(participant=participant, status="held")

    for row in (assessment, plan, review, appointment):
        assert row.municipality.code == "992"
        assert row.history.get().history_change_reason == "test data"
    assert assessment.plan_needed is True and assessment.completed_on is not None
    assert plan.status == "agreed" and plan.agreed_on == plan.starts_on
    assert plan.unreferred_services == 1
    assert review.participant == participant

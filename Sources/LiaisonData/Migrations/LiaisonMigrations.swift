import FluentKit

/// Every migration, in the order it runs. Add new ones at the end; never reorder or edit shipped ones.
enum LiaisonMigrations {
    static let all: [any Migration] = [
        CreateUserAccount(),
        CreateOrganisation(),
        CreateMembership(),
        CreateProfile(),
        CreateServiceOpening(),
        CreateSession(),
        CreateAPIToken(),
        CreateInvitation(),
        CreatePasswordReset(),
        CreateOutboxMessage(),
        AddKindToUser(),
        CreatePatient(),
        CreatePatientIdentifier(),
        CreateCareTeamMember(),
        CreatePatientRecord(),
        CreateAuditEntry(),
        CreateReferral(),
        AddServiceLevelTargetsToOrganisation(),
        CoverReferralLookups(),
        AddOneAtATimeConstraints(),
        RefuseTruncatingAuditEntries(),
        CreateInstallationKey(),
        IndexRefusedAccess(),
        AddSealToAuditEntry(),
        AddEmergencyLicenceRuleToOrganisation(),
        CreateTwoFactor(),
        AddDeliveryToOutbox(),
        CreateWaitlistEntry(),
        CreateWebhookEndpoint(),
        CreateConversations(),
        CreateNoticePreferences(),
        CreateLetters(),
    ]
}

import Foundation

/// The four instruments, as their publications give them.
///
/// Scoring and bands:
/// - PHQ-9 (Kroenke, Spitzer & Williams 2001; Pfizer's instruction manual): nine items scored 0–3,
///   total 0–27; 0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27 severe.
///   The tenth question (how difficult the problems have made things) is recorded, not scored.
/// - GAD-7 (Spitzer et al. 2006): seven items scored 0–3, total 0–21; 0–4 minimal, 5–9 mild,
///   10–14 moderate, 15–21 severe.
/// - PCL-5 (Weathers et al. 2013, National Center for PTSD): twenty items scored 0–4, total 0–80;
///   a total of 31–33 or more suggests probable PTSD. Liaison marks 33 and above (the upper end
///   of the published range) as "at or above the provisional cut-point"; it gives no other bands.
/// - MDQ (Hirschfeld et al. 2000): thirteen yes/no items, then whether several happened in the same
///   period, then how much of a problem they caused. Positive only with 7 or more "yes", "yes" to
///   the same period, and a moderate or serious problem.
///
/// LOINC: PHQ-9 panel 44249-1, total 44261-6, item 9 44260-8; GAD-7 panel 69737-5, total 70274-6;
/// MDQ panel 85102-2, total 84773-1 (as the issue gives them). PCL-5 panel 101697-1 and total
/// 101698-9, looked up in LOINC's entries as shown at findacode.com/loinc/101697-1 and
/// healthassure.in/codes/loinc-101698-9-ptsd-pcl-5-score-pcl-5 (LOINC 2.75 onwards).
public enum Instruments {
    public static func definition(_ kind: InstrumentKind) -> Instrument {
        switch kind {
        case .phq9: phq9
        case .gad7: gad7
        case .pcl5: pcl5
        case .mdq: mdq
        }
    }

    static let frequency = [
        AnswerOption(value: 0, label: "Not at all"), AnswerOption(value: 1, label: "Several days"),
        AnswerOption(value: 2, label: "More than half the days"), AnswerOption(value: 3, label: "Nearly every day"),
    ]

    static func numbered(_ texts: [String], options: [AnswerOption], loinc: [Int: String] = [:]) -> [InstrumentItem] {
        texts.enumerated().map { index, text in
            InstrumentItem(key: String(index + 1), text: text, options: options, scored: true, required: true, loinc: loinc[index + 1])
        }
    }

    static let phq9 = Instrument(
        kind: .phq9, title: "PHQ-9 (depression)",
        stem: "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
        items: numbered([
            "Little interest or pleasure in doing things",
            "Feeling down, depressed, or hopeless",
            "Trouble falling or staying asleep, or sleeping too much",
            "Feeling tired or having little energy",
            "Poor appetite or overeating",
            "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
            "Trouble concentrating on things, such as reading the newspaper or watching television",
            "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual",
            "Thoughts that you would be better off dead or of hurting yourself in some way",
        ], options: frequency, loinc: [9: "44260-8"]) + [
            InstrumentItem(
                key: "difficulty",
                text: "If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?",
                options: [
                    AnswerOption(value: 0, label: "Not difficult at all"), AnswerOption(value: 1, label: "Somewhat difficult"),
                    AnswerOption(value: 2, label: "Very difficult"), AnswerOption(value: 3, label: "Extremely difficult"),
                ],
                scored: false, required: false, loinc: nil),
        ],
        bands: [
            SeverityBand(range: 0...4, label: "Minimal"), SeverityBand(range: 5...9, label: "Mild"), SeverityBand(range: 10...14, label: "Moderate"),
            SeverityBand(range: 15...19, label: "Moderately severe"), SeverityBand(range: 20...27, label: "Severe"),
        ],
        panelLOINC: "44249-1", totalLOINC: "44261-6")

    static let gad7 = Instrument(
        kind: .gad7, title: "GAD-7 (anxiety)",
        stem: "Over the last 2 weeks, how often have you been bothered by the following problems?",
        items: numbered([
            "Feeling nervous, anxious, or on edge",
            "Not being able to stop or control worrying",
            "Worrying too much about different things",
            "Trouble relaxing",
            "Being so restless that it is hard to sit still",
            "Becoming easily annoyed or irritable",
            "Feeling afraid, as if something awful might happen",
        ], options: frequency),
        bands: [
            SeverityBand(range: 0...4, label: "Minimal"), SeverityBand(range: 5...9, label: "Mild"),
            SeverityBand(range: 10...14, label: "Moderate"), SeverityBand(range: 15...21, label: "Severe"),
        ],
        panelLOINC: "69737-5", totalLOINC: "70274-6")

    static let pcl5 = Instrument(
        kind: .pcl5, title: "PCL-5 (post-traumatic stress)",
        stem: "Below is a list of problems that people sometimes have in response to a very stressful experience. In the past month, how much were you bothered by:",
        items: numbered([
            "Repeated, disturbing, and unwanted memories of the stressful experience?",
            "Repeated, disturbing dreams of the stressful experience?",
            "Suddenly feeling or acting as if the stressful experience were actually happening again (as if you were actually back there reliving it)?",
            "Feeling very upset when something reminded you of the stressful experience?",
            "Having strong physical reactions when something reminded you of the stressful experience (for example, heart pounding, trouble breathing, sweating)?",
            "Avoiding memories, thoughts, or feelings related to the stressful experience?",
            "Avoiding external reminders of the stressful experience (for example, people, places, conversations, activities, objects, or situations)?",
            "Trouble remembering important parts of the stressful experience?",
            "Having strong negative beliefs about yourself, other people, or the world (for example, having thoughts such as: I am bad, there is something seriously wrong with me, no one can be trusted, the world is completely dangerous)?",
            "Blaming yourself or someone else for the stressful experience or what happened after it?",
            "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
            "Loss of interest in activities that you used to enjoy?",
            "Feeling distant or cut off from other people?",
            "Trouble experiencing positive feelings (for example, being unable to feel happiness or have loving feelings for people close to you)?",
            "Irritable behavior, angry outbursts, or acting aggressively?",
            "Taking too many risks or doing things that could cause you harm?",
            "Being “superalert” or watchful or on guard?",
            "Feeling jumpy or easily startled?",
            "Having difficulty concentrating?",
            "Trouble falling or staying asleep?",
        ], options: [
            AnswerOption(value: 0, label: "Not at all"), AnswerOption(value: 1, label: "A little bit"), AnswerOption(value: 2, label: "Moderately"),
            AnswerOption(value: 3, label: "Quite a bit"), AnswerOption(value: 4, label: "Extremely"),
        ]),
        bands: [
            SeverityBand(range: 0...32, label: "Below the provisional cut-point"),
            SeverityBand(range: 33...80, label: "At or above the provisional cut-point (probable PTSD)"),
        ],
        panelLOINC: "101697-1", totalLOINC: "101698-9")

    static let yesNo = [AnswerOption(value: 0, label: "No"), AnswerOption(value: 1, label: "Yes")]

    static let mdq = Instrument(
        kind: .mdq, title: "MDQ (mood disorder screen)",
        stem: "Has there ever been a period of time when you were not your usual self and…",
        items: numbered([
            "…you felt so good or so hyper that other people thought you were not your normal self or you were so hyper that you got into trouble?",
            "…you were so irritable that you shouted at people or started fights or arguments?",
            "…you felt much more self-confident than usual?",
            "…you got much less sleep than usual and found you didn’t really miss it?",
            "…you were much more talkative or spoke much faster than usual?",
            "…thoughts raced through your head or you couldn’t slow your mind down?",
            "…you were so easily distracted by things around you that you had trouble concentrating or staying on track?",
            "…you had much more energy than usual?",
            "…you were much more active or did many more things than usual?",
            "…you were much more social or outgoing than usual, for example, you telephoned friends in the middle of the night?",
            "…you were much more interested in sex than usual?",
            "…you did things that were unusual for you or that other people might have thought were excessive, foolish, or risky?",
            "…spending money got you or your family into trouble?",
        ], options: yesNo) + [
            InstrumentItem(
                key: MDQ.sameTimeKey, text: "If you answered yes to more than one of the above, have several of these ever happened during the same period of time?",
                options: yesNo, scored: false, required: true, loinc: nil),
            InstrumentItem(
                key: MDQ.problemKey,
                text: "How much of a problem did any of these cause you — like being unable to work; having family, money or legal troubles; getting into arguments or fights?",
                options: [
                    AnswerOption(value: 0, label: "No problem"), AnswerOption(value: 1, label: "Minor problem"),
                    AnswerOption(value: 2, label: "Moderate problem"), AnswerOption(value: 3, label: "Serious problem"),
                ],
                scored: false, required: true, loinc: nil),
        ],
        bands: [],
        panelLOINC: "85102-2", totalLOINC: "84773-1")
}

/// Response and remission, as measurement-based care counts them.
public enum Outcome {
    /// A total at least 50% below the baseline (a baseline of 0 cannot respond).
    public static func isResponse(baseline: Int, latest: Int) -> Bool {
        baseline > 0 && latest * 2 <= baseline
    }

    /// PHQ-9 or GAD-7 below 5; other instruments have no remission threshold here.
    public static func isRemission(_ kind: InstrumentKind, latest: Int) -> Bool {
        (kind == .phq9 || kind == .gad7) && latest < 5
    }

    /// Change from baseline as a fraction of the baseline (negative is better), nil without one.
    public static func change(baseline: Int, latest: Int) -> Double? {
        baseline > 0 ? Double(latest - baseline) / Double(baseline) : nil
    }
}

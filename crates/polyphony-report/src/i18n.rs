//! Every string of the report, in one table per language (繁體中文, English, 日本語, 한국어).
//!
//! A table is an exhaustive `match` over [`Key`], so a key without a translation does not
//! compile. `{name}` placeholders are filled by the renderer. The room's own texts (topic,
//! statements, notes) are never translated: they are shown as entered.

use crate::ReportError;

/// The report's languages: the one [`Lang`] every screen of Polyphony speaks.
pub use polyphony_types::Lang;

impl From<polyphony_types::UnknownLang> for ReportError {
    fn from(e: polyphony_types::UnknownLang) -> ReportError {
        ReportError::UnknownLanguage(e.0)
    }
}

macro_rules! keys {
    ($($k:ident),* $(,)?) => {
        /// A report string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Key { $(#[allow(missing_docs)] $k),* }

        impl Key {
            /// Every key.
            ///
            /// ```
            /// assert!(polyphony_report::Key::ALL.contains(&polyphony_report::Key::MethodTitle));
            /// ```
            pub const ALL: &'static [Key] = &[$(Key::$k),*];
        }
    };
}

keys! {
    Kicker, Participants, Votes, Statements,
    MapTitle, MapCaption, GroupSize, OutsideGroups, NoGroups,
    GroupsTitle, GroupsIntro, GroupHeading, RepAgree, RepDisagree, Agree, Disagree, Pass,
    ConsensusTitle, ConsensusIntro, ConsensusAgree, ConsensusDisagree, ShareAgree,
    ShareDisagree, VotedOn, Before, NoConsensus,
    DivisiveTitle, DivisiveIntro, NoDivisive,
    SpectrumTitle, SpectrumIntro, Round, StronglyDisagree, SomewhatDisagree, Neutral,
    SomewhatAgree, StronglyAgree, MovementTitle, MovementLine,
    NotesTitle, NotesIntro, PlanSameGroup, PlanMixed, PlanNth, Table,
    ChangeTitle, ChangeBetween, MomentFirstHalf, MomentAllVotes, MomentFirstGroups, MomentEnd, PanelEveryone,
    NoShifts, Moved, MovedNone, MoveLine, Closer, Apart, GainedTitle, LostTitle,
    MethodTitle, MethodText, PresetWorkshop, PresetPolis, Footer, Languages, NotPublishedTitle, NotPublishedText,
}

/// The string for `key` in `lang`.
///
/// ```
/// use polyphony_report::{t, Key, Lang};
/// assert_eq!(t(Lang::En, Key::Agree), "agree");
/// assert_eq!(t(Lang::ZhTw, Key::Agree), "同意");
/// ```
pub fn t(lang: Lang, key: Key) -> &'static str {
    match lang {
        Lang::En => en(key),
        Lang::ZhTw => zh_tw(key),
        Lang::Ja => ja(key),
        Lang::Ko => ko(key),
    }
}

/// Replaces `{name}` placeholders (an English noun after a count of one turned singular first:
/// [`polyphony_types::english::singular_after_one`]), then chooses each Korean particle written
/// for either ending ("{group}은(는)", "{to}(으)로") from the word before it
/// ([`polyphony_types::korean::particles`]).
pub(crate) fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = polyphony_types::english::singular_after_one(template, values);
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    polyphony_types::korean::particles(&out)
}

fn en(k: Key) -> &'static str {
    use Key::*;
    match k {
        Kicker => "Take-away report",
        Participants => "participants",
        Votes => "votes",
        Statements => "statements",
        MapTitle => "Opinion map",
        MapCaption => "Each dot is one person. People who voted alike are close together; the letters mark the centre of each opinion group. Grey dots are people who voted on too few statements to be placed in a group.",
        GroupSize => "{n} people",
        OutsideGroups => "not in a group",
        NoGroups => "There are no opinion groups: too few people voted on enough statements.",
        GroupsTitle => "What each group stands for",
        GroupsIntro => "The statements that set each group apart from the rest of the room. The bars show how every group voted on them.",
        GroupHeading => "Group {g}",
        RepAgree => "{pct}% of group {g} agree, against {rest}% of the other groups.",
        RepDisagree => "{pct}% of group {g} disagree, against {rest}% of the other groups.",
        Agree => "agree",
        Disagree => "disagree",
        Pass => "pass",
        ConsensusTitle => "Common ground",
        ConsensusIntro => "Statements a clear majority of the whole room agrees or disagrees with, whatever their group.",
        ConsensusAgree => "Most people agree",
        ConsensusDisagree => "Most people disagree",
        ShareAgree => "{pct}% agree",
        ShareDisagree => "{pct}% disagree",
        VotedOn => "{n} people voted on it.",
        Before => "before: {share}",
        NoConsensus => "No statement has a clear majority across the whole room yet.",
        DivisiveTitle => "What divides the groups",
        DivisiveIntro => "The statements the groups stand furthest apart on, with each group's votes.",
        NoDivisive => "Without opinion groups there is nothing to compare.",
        SpectrumTitle => "Spectrum rounds",
        SpectrumIntro => "People placed themselves on a line from strongly disagree to strongly agree, listened to each other, and could move.",
        Round => "Round {n}",
        StronglyDisagree => "strongly disagree",
        SomewhatDisagree => "somewhat disagree",
        Neutral => "neutral",
        SomewhatAgree => "somewhat agree",
        StronglyAgree => "strongly agree",
        MovementTitle => "Movement from the first round to the last",
        MovementLine => "{g}: {agree} moved toward agreeing, {disagree} toward disagreeing, {stayed} stayed.",
        NotesTitle => "Notes from the tables",
        NotesIntro => "The notes each table released, as written, without names.",
        PlanSameGroup => "Same-group tables",
        PlanMixed => "Mixed tables",
        PlanNth => "{plan} (seating {n})",
        Table => "Table {n}",
        ChangeTitle => "How opinions changed",
        ChangeBetween => "Comparing {before} with {after}.",
        MomentFirstHalf => "the first half of the votes",
        MomentAllVotes => "all the votes",
        MomentFirstGroups => "the moment the opinion groups were first shown",
        MomentEnd => "the end of the workshop",
        PanelEveryone => "{n} people voted on this statement both times: {agree} moved toward agreeing, {disagree} toward disagreeing, {stayed} kept their vote.",
        NoShifts => "Nobody changed a vote.",
        Moved => "{n} people now vote like another group:",
        MovedNone => "Nobody changed group.",
        MoveLine => "{n} from {from} to {to}",
        Closer => "Groups {a} and {b} moved closer together on the map.",
        Apart => "Groups {a} and {b} moved further apart on the map.",
        GainedTitle => "Became common ground",
        LostTitle => "No longer common ground",
        MethodTitle => "How this report was made",
        PresetWorkshop => "Workshop (2–3 groups)",
        PresetPolis => "Polis (as pol.is)",
        MethodText => "Each person's votes (agree, disagree or pass) form a row of numbers. Principal component analysis (PCA) finds the two directions in which these rows differ most and places every person on that plane: that is the opinion map. {in_conv} of the {participants} participants voted on enough statements to be clustered. k-means clustering then split them into {k} groups of people who voted alike, choosing the number of groups whose members are most clearly separated (the silhouette score). A statement represents a group when the group voted on it significantly differently from everyone else; common ground is what a significant majority of the whole room shares. {statements} statements were analysed with the “{preset}” settings and random seed {seed}; the same data and settings give the same results.",
        Footer => "Made with Polyphony. Nobody is named in this report: it shows counts and positions only.",
        Languages => "Language",
        NotPublishedTitle => "This report is not published yet",
        NotPublishedText => "The facilitator has not published the room’s report yet. Ask them to publish it, or check back later: this page shows the report once it is published.",
    }
}

fn zh_tw(k: Key) -> &'static str {
    use Key::*;
    match k {
        Kicker => "審議成果報告",
        Participants => "位參與者",
        Votes => "張投票",
        Statements => "則意見",
        MapTitle => "意見地圖",
        MapCaption => "每個點代表一個人。投票相近的人彼此靠近；字母標示各意見群組的中心。灰色的點是投票太少、尚未歸入群組的人。",
        GroupSize => "{n}\u{a0}人",
        OutsideGroups => "未歸入群組",
        NoGroups => "目前還沒有意見群組：對足夠多意見投票的人還太少。",
        GroupsTitle => "各群組的立場",
        GroupsIntro => "讓各群組與全場其他人有所區別的意見。長條圖顯示每個群組如何投票。",
        GroupHeading => "{g} 組",
        RepAgree => "{g} 組有 {pct}% 同意，其他組是 {rest}%。",
        RepDisagree => "{g} 組有 {pct}% 不同意，其他組是 {rest}%。",
        Agree => "同意",
        Disagree => "不同意",
        Pass => "略過",
        ConsensusTitle => "共識",
        ConsensusIntro => "不論屬於哪個群組，全場明顯多數都同意或都不同意的意見。",
        ConsensusAgree => "多數人同意",
        ConsensusDisagree => "多數人不同意",
        ShareAgree => "{pct}% 同意",
        ShareDisagree => "{pct}% 不同意",
        VotedOn => "共 {n}\u{a0}人投票。",
        Before => "之前：{share}",
        NoConsensus => "目前還沒有獲得全場明顯多數的意見。",
        DivisiveTitle => "群組之間的分歧",
        DivisiveIntro => "各群組看法差距最大的意見，以及每個群組的投票。",
        NoDivisive => "沒有意見群組，就無從比較。",
        SpectrumTitle => "光譜站位",
        SpectrumIntro => "大家在一條從「非常不同意」到「非常同意」的線上選擇位置，聽彼此說明後，可以移動。",
        Round => "第 {n}\u{a0}輪",
        StronglyDisagree => "非常不同意",
        SomewhatDisagree => "有點不同意",
        Neutral => "中立",
        SomewhatAgree => "有點同意",
        StronglyAgree => "非常同意",
        MovementTitle => "從第一輪到最後一輪的移動",
        MovementLine => "{g}：{agree}\u{a0}人往同意移動，{disagree}\u{a0}人往不同意移動，{stayed}\u{a0}人留在原位。",
        NotesTitle => "各桌的討論紀錄",
        NotesIntro => "各桌同意公開的紀錄，照原文呈現，不具名。",
        PlanSameGroup => "同群組分桌",
        PlanMixed => "混合分桌",
        PlanNth => "{plan}（第 {n}\u{a0}次分桌）",
        Table => "第 {n}\u{a0}桌",
        ChangeTitle => "意見的變化",
        ChangeBetween => "比較{before}與{after}。",
        MomentFirstHalf => "前一半的投票",
        MomentAllVotes => "全部的投票",
        MomentFirstGroups => "意見群組第一次出現的時候",
        MomentEnd => "工作坊結束時",
        PanelEveryone => "兩次都對這則陳述投票的有 {n}\u{a0}人：{agree}\u{a0}人往同意移動，{disagree}\u{a0}人往不同意移動，{stayed}\u{a0}人維持原本的票。",
        NoShifts => "沒有人改變投票。",
        Moved => "有 {n}\u{a0}人現在的投票更接近另一個群組：",
        MovedNone => "沒有人換群組。",
        MoveLine => "{n}\u{a0}人從 {from} 到 {to}",
        Closer => "{a} 組與 {b} 組在地圖上更靠近了。",
        Apart => "{a} 組與 {b} 組在地圖上離得更遠了。",
        GainedTitle => "新形成的共識",
        LostTitle => "不再是共識",
        MethodTitle => "這份報告怎麼做的",
        PresetWorkshop => "工作坊（2–3 組）",
        PresetPolis => "Polis（與 pol.is 相同）",
        MethodText => "每個人的投票（同意、不同意或略過）構成一列數字。主成分分析（PCA）找出這些數字差異最大的兩個方向，把每個人放到這個平面上，這就是意見地圖。{participants}\u{a0}位參與者中，有 {in_conv}\u{a0}位對足夠多的意見投了票，得以納入分群。接著以 k-means 分群法把投票相近的人分成 {k}\u{a0}個群組，群組數目取成員之間區隔最清楚的那一個（輪廓係數）。當一個群組對某則意見的投票與其他人有顯著差異時，該意見就代表這個群組；共識則是全場顯著多數共享的看法。本次共分析 {statements}\u{a0}則意見，使用「{preset}」設定與隨機種子 {seed}；相同的資料與設定會得到相同的結果。",
        Footer => "由 Polyphony 製作。本報告不具名任何人，只呈現人數與位置。",
        Languages => "語言",
        NotPublishedTitle => "報告還沒有公開",
        NotPublishedText => "主持人還沒有公開本場的報告。請主持人按下「公開報告」，或稍後再回來看看：報告公開後，這個頁面就會顯示報告。",
    }
}

fn ja(k: Key) -> &'static str {
    use Key::*;
    match k {
        Kicker => "持ち帰りレポート",
        Participants => "人の参加者",
        Votes => "票",
        Statements => "件の意見",
        MapTitle => "意見マップ",
        MapCaption => "点は一人ひとりを表します。似た投票をした人どうしが近くに並び、文字は各意見グループの中心を示します。灰色の点は、投票が少なくまだグループに入っていない人です。",
        GroupSize => "{n}\u{a0}人",
        OutsideGroups => "グループ外",
        NoGroups => "まだ意見グループはありません。十分な数の意見に投票した人が少なすぎます。",
        GroupsTitle => "各グループの特徴",
        GroupsIntro => "各グループを会場の他の人たちと分ける意見です。棒グラフは各グループの投票を示します。",
        GroupHeading => "グループ {g}",
        RepAgree => "グループ {g} の {pct}% が賛成しています（ほかのグループは {rest}%）。",
        RepDisagree => "グループ {g} の {pct}% が反対しています（ほかのグループは {rest}%）。",
        Agree => "賛成",
        Disagree => "反対",
        Pass => "パス",
        ConsensusTitle => "共通点",
        ConsensusIntro => "グループに関係なく、会場のはっきりした多数が賛成、または反対している意見です。",
        ConsensusAgree => "多くの人が賛成",
        ConsensusDisagree => "多くの人が反対",
        ShareAgree => "{pct}% が賛成",
        ShareDisagree => "{pct}% が反対",
        VotedOn => "投票したのは {n}\u{a0}人です。",
        Before => "以前：{share}",
        NoConsensus => "会場全体ではっきりした多数を得た意見はまだありません。",
        DivisiveTitle => "グループを分ける意見",
        DivisiveIntro => "グループ間で最も意見が分かれた意見と、各グループの投票です。",
        NoDivisive => "意見グループがないため、比較できません。",
        SpectrumTitle => "スペクトラム（立ち位置）",
        SpectrumIntro => "「強く反対」から「強く賛成」までの線の上で自分の位置を選び、互いの話を聞いたうえで移動することができました。",
        Round => "第 {n}\u{a0}ラウンド",
        StronglyDisagree => "強く反対",
        SomewhatDisagree => "やや反対",
        Neutral => "どちらでもない",
        SomewhatAgree => "やや賛成",
        StronglyAgree => "強く賛成",
        MovementTitle => "最初のラウンドから最後のラウンドへの移動",
        MovementLine => "{g}：賛成寄りに {agree}\u{a0}人、反対寄りに {disagree}\u{a0}人が移動し、{stayed}\u{a0}人はそのままでした。",
        NotesTitle => "テーブルからのメモ",
        NotesIntro => "各テーブルが公開に同意したメモを、書かれたまま名前なしで載せています。",
        PlanSameGroup => "同じグループのテーブル",
        PlanMixed => "混成テーブル",
        PlanNth => "{plan}（{n}\u{a0}回目の席決め）",
        Table => "テーブル {n}",
        ChangeTitle => "意見の変化",
        ChangeBetween => "{before}と{after}を比べています。",
        MomentFirstHalf => "前半の投票",
        MomentAllVotes => "すべての投票",
        MomentFirstGroups => "意見グループが初めて示された時点",
        MomentEnd => "ワークショップの終わり",
        PanelEveryone => "この意見に 2 回とも投票した人は {n}\u{a0}人：賛成寄りに {agree}\u{a0}人、反対寄りに {disagree}\u{a0}人が動き、{stayed}\u{a0}人は同じ票のままでした。",
        NoShifts => "投票を変えた人はいませんでした。",
        Moved => "{n}\u{a0}人の投票が、いまは別のグループに近くなっています：",
        MovedNone => "グループを移った人はいません。",
        MoveLine => "{from} から {to} へ {n}\u{a0}人",
        Closer => "グループ {a} と {b} はマップ上で近づきました。",
        Apart => "グループ {a} と {b} はマップ上で離れました。",
        GainedTitle => "新たに共通点になった意見",
        LostTitle => "共通点ではなくなった意見",
        MethodTitle => "このレポートの作り方",
        PresetWorkshop => "ワークショップ（2〜3 グループ）",
        PresetPolis => "Polis（pol.is と同じ）",
        MethodText => "一人ひとりの投票（賛成・反対・パス）は一列の数字になります。主成分分析（PCA）は、それらの数字が最も大きく異なる二つの方向を見つけ、全員をその平面に置きます。これが意見マップです。参加者 {participants}\u{a0}人のうち {in_conv}\u{a0}人が十分な数の意見に投票し、グループ分けの対象になりました。次に k-means 法で、似た投票をした人を {k}\u{a0}つのグループに分けました。グループの数は、メンバーが最もはっきり分かれる数（シルエット係数）で選んでいます。あるグループの投票が他の人たちと有意に異なる意見は、そのグループを代表する意見とし、会場全体の有意な多数が共有する意見を共通点としています。{statements}\u{a0}件の意見を「{preset}」設定、乱数シード {seed} で分析しました。同じデータと設定からは同じ結果が得られます。",
        Footer => "Polyphony で作成。このレポートには個人名は含まれず、人数と位置だけを示しています。",
        Languages => "言語",
        NotPublishedTitle => "レポートはまだ公開されていません",
        NotPublishedText => "ファシリテーターがまだこのルームのレポートを公開していません。「レポートを公開」を押すようファシリテーターに頼むか、しばらくしてからもう一度開いてください。公開されると、このページにレポートが表示されます。",
    }
}

fn ko(k: Key) -> &'static str {
    use Key::*;
    match k {
        Kicker => "결과 보고서",
        Participants => "명 참여",
        Votes => "표",
        Statements => "개 의견",
        MapTitle => "의견 지도",
        MapCaption => "점 하나가 한 사람입니다. 비슷하게 투표한 사람끼리 가까이 모이고, 글자는 각 의견 그룹의 중심을 나타냅니다. 회색 점은 투표한 의견이 너무 적어 아직 그룹에 들지 않은 사람입니다.",
        GroupSize => "{n}명",
        OutsideGroups => "그룹 밖",
        NoGroups => "아직 의견 그룹이 없습니다. 충분히 많은 의견에 투표한 사람이 너무 적습니다.",
        GroupsTitle => "각 그룹의 입장",
        GroupsIntro => "각 그룹을 나머지 참여자와 구별해 주는 의견입니다. 막대는 그룹마다 어떻게 투표했는지 보여 줍니다.",
        GroupHeading => "{g} 그룹",
        RepAgree => "{g} 그룹의 {pct}%가 동의합니다(다른 그룹은 {rest}%).",
        RepDisagree => "{g} 그룹의 {pct}%가 반대합니다(다른 그룹은 {rest}%).",
        Agree => "동의",
        Disagree => "반대",
        Pass => "건너뛰기",
        ConsensusTitle => "공통점",
        ConsensusIntro => "어느 그룹에 속하든 전체 참여자의 뚜렷한 다수가 동의하거나 반대한 의견입니다.",
        ConsensusAgree => "대부분 동의",
        ConsensusDisagree => "대부분 반대",
        ShareAgree => "{pct}% 동의",
        ShareDisagree => "{pct}% 반대",
        VotedOn => "{n}명이 투표했습니다.",
        Before => "이전: {share}",
        NoConsensus => "아직 전체에서 뚜렷한 다수를 얻은 의견이 없습니다.",
        DivisiveTitle => "그룹을 가르는 의견",
        DivisiveIntro => "그룹 사이에 입장 차이가 가장 큰 의견과 그룹별 투표입니다.",
        NoDivisive => "의견 그룹이 없어 비교할 수 없습니다.",
        SpectrumTitle => "스펙트럼 라운드",
        SpectrumIntro => "참여자들은 ‘매우 반대’부터 ‘매우 동의’까지 이어진 선 위에 자리를 잡고, 서로의 이야기를 들은 뒤 자리를 옮길 수 있었습니다.",
        Round => "{n}라운드",
        StronglyDisagree => "매우 반대",
        SomewhatDisagree => "약간 반대",
        Neutral => "중립",
        SomewhatAgree => "약간 동의",
        StronglyAgree => "매우 동의",
        MovementTitle => "첫 라운드에서 마지막 라운드까지의 이동",
        MovementLine => "{g}: {agree}명은 동의 쪽으로, {disagree}명은 반대 쪽으로 옮겼고 {stayed}명은 그대로였습니다.",
        NotesTitle => "테이블 메모",
        NotesIntro => "각 테이블이 공개에 동의한 메모를 쓴 그대로, 이름 없이 싣습니다.",
        PlanSameGroup => "같은 그룹 테이블",
        PlanMixed => "섞인 테이블",
        PlanNth => "{plan} ({n}번째 자리 배치)",
        Table => "{n}번 테이블",
        ChangeTitle => "의견의 변화",
        ChangeBetween => "{before}와(과) {after}을(를) 비교합니다.",
        MomentFirstHalf => "앞쪽 절반의 투표",
        MomentAllVotes => "전체 투표",
        MomentFirstGroups => "의견 그룹이 처음 나타난 때",
        MomentEnd => "워크숍이 끝난 때",
        PanelEveryone => "이 의견에 두 번 모두 투표한 사람은 {n}명: {agree}명은 동의 쪽으로, {disagree}명은 반대 쪽으로 옮겼고 {stayed}명은 같은 표를 유지했습니다.",
        NoShifts => "투표를 바꾼 사람이 없습니다.",
        Moved => "{n}명의 투표가 지금은 다른 그룹에 더 가깝습니다:",
        MovedNone => "그룹을 옮긴 사람은 없습니다.",
        MoveLine => "{from}에서 {to}(으)로 {n}명",
        Closer => "그룹 {a}와 {b}는 지도에서 더 가까워졌습니다.",
        Apart => "그룹 {a}와 {b}는 지도에서 더 멀어졌습니다.",
        GainedTitle => "새로 공통점이 된 의견",
        LostTitle => "더 이상 공통점이 아닌 의견",
        MethodTitle => "이 보고서를 만든 방법",
        PresetWorkshop => "워크숍 (2–3개 그룹)",
        PresetPolis => "Polis (pol.is와 동일)",
        MethodText => "각 사람의 투표(동의, 반대, 건너뛰기)는 한 줄의 숫자가 됩니다. 주성분 분석(PCA)은 이 숫자들이 가장 크게 갈리는 두 방향을 찾아 모든 사람을 그 평면 위에 놓습니다. 이것이 의견 지도입니다. 참여자 {participants}명 중 {in_conv}명이 충분히 많은 의견에 투표해 그룹 나누기에 포함되었습니다. 이어서 k-평균 군집화로 비슷하게 투표한 사람들을 {k}개 그룹으로 나누었고, 그룹 수는 구성원이 가장 뚜렷하게 구분되는 수(실루엣 점수)로 골랐습니다. 어떤 그룹이 다른 사람들과 유의하게 다르게 투표한 의견은 그 그룹을 대표하는 의견이 되고, 전체의 유의한 다수가 함께하는 의견은 공통점이 됩니다. 의견 {statements}개를 ‘{preset}’ 설정과 난수 시드 {seed}로 분석했으며, 같은 데이터와 설정에서는 같은 결과가 나옵니다.",
        Footer => "Polyphony로 만들었습니다. 이 보고서에는 누구의 이름도 없으며 인원수와 위치만 담겨 있습니다.",
        Languages => "언어",
        NotPublishedTitle => "보고서가 아직 공개되지 않았습니다",
        NotPublishedText => "진행자가 아직 이 방의 보고서를 공개하지 않았습니다. 진행자에게 ‘보고서 공개’를 눌러 달라고 하거나 나중에 다시 확인해 주세요. 공개되면 이 페이지에 보고서가 나타납니다.",
    }
}

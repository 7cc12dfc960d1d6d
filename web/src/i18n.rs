//! Every string of the UI, in one table per language (繁體中文, English, 日本語, 한국어).
//!
//! A table is an exhaustive `match` over [`Key`], so a key without a translation does not
//! compile. Strings with `{n}`-style placeholders are filled by [`fill`]. The room's own texts
//! (topic, statements) are never translated: they are shown as entered.

/// A UI language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// 繁體中文 (Taiwan).
    ZhTw,
    /// English.
    En,
    /// 日本語.
    Ja,
    /// 한국어.
    Ko,
}

impl Lang {
    /// Every language, in the switcher's order.
    pub const ALL: [Lang; 4] = [Lang::ZhTw, Lang::En, Lang::Ja, Lang::Ko];

    /// BCP 47 tag (for `<html lang>` and storage).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhTw => "zh-TW",
            Lang::En => "en",
            Lang::Ja => "ja",
            Lang::Ko => "ko",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::ZhTw => "繁體中文",
            Lang::En => "English",
            Lang::Ja => "日本語",
            Lang::Ko => "한국어",
        }
    }

    /// Picks a language from a browser language tag (`navigator.language`): any Chinese tag
    /// gives 繁體中文, `ja*` 日本語, `ko*` 한국어, anything else English.
    pub fn from_tag(tag: &str) -> Lang {
        let t = tag.to_ascii_lowercase();
        if t.starts_with("zh") {
            Lang::ZhTw
        } else if t.starts_with("ja") {
            Lang::Ja
        } else if t.starts_with("ko") {
            Lang::Ko
        } else {
            Lang::En
        }
    }
}

macro_rules! keys {
    ($($k:ident),* $(,)?) => {
        /// A UI string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Key { $($k),* }

        impl Key {
            /// Every key.
            pub const ALL: &'static [Key] = &[$(Key::$k),*];

            /// The key's name (the `data-i18n` attribute the browser tests read).
            pub fn name(self) -> &'static str {
                match self { $(Key::$k => stringify!($k)),* }
            }
        }
    };
}

keys! {
    Language, Offline, Reconnecting, Loading, ErrorPrefix, NoSuchRoom,
    StartTitle, StartIntro, CreateTitle, TopicLabel, DescriptionLabel, StatementsLabel,
    ModerationLabel, ModerationOpen, ModerationStrict, CreateButton, JoinTitle, CodeLabel,
    JoinButton, ExploreLink,
    Agree, Disagree, Pass, Progress, AllVoted, AddTitle, AddPlaceholder, Send, Pending,
    StatementSent, YouAreInGroup, GroupReason, StanceAgree, StanceDisagree, QueuedVotes,
    WaitingForGroups, RoomClosed, SpectrumTitle, Round, StronglyDisagree, SomewhatDisagree,
    Neutral, SomewhatAgree, StronglyAgree, FirstRoundWas,
    ScanToJoin, OrOpen, RoomCode, Participants, Votes, OpinionMap, GroupsTitle, GroupName,
    People, ConsensusTitle, DivisiveTitle, NoGroupsYet, MovementTitle, RoundOne, RoundTwo,
    MovedAgree, MovedDisagree, Stayed, NoSpectrumYet, EveryoneAgrees, EveryoneDisagrees,
    StageCollect, StageGroups, StageDivisive, StageSpectrum, StageReport,
    HostTitle, StageLabel, ModerationQueue, Accept, Reject, NothingPending, StatementsTitle,
    StartSpectrum, OpenRoundTwo, CloseSpectrum, ExportTitle, KeyMissing, OpenScreen,
    CloseRoom, KeepLink, PhoneLink,
    ExploreTitle, ExploreHelp, PresetLabel, PresetWorkshop, PresetPolis, ChooseFiles,
    RulesLabel, RulesHint, ConsentTitle, RuleAnonymous, RuleShown, RuleNotes, IAgree, StageTables,
    TablesTitle, TableModeLabel, ModeSameGroup, ModeMixed, TableSizeLabel, FormTables, FormAgain, Dissolve, PlanSummary, TableNumber, TableOfGroup, NoGroup, NoTablesYet, ReportersReady, NotesTitle, NoNotesYet,
    Release, ReleasedMark, YourTable, LookForSign, ReporterPrompt, ReporterPrivate, PassRole, TableNotesTitle, AddNote, NotePlaceholder, CharCount, Withdraw, Sending, NoteSent, NoteMine,
    FullScreen, NextPage,
}

/// The string for `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    match lang {
        Lang::En => en(key),
        Lang::ZhTw => zh_tw(key),
        Lang::Ja => ja(key),
        Lang::Ko => ko(key),
    }
}

/// Replaces `{name}` placeholders.
pub fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

fn en(k: Key) -> &'static str {
    use Key::*;
    match k {
        Language => "Language",
        Offline => "Offline: your votes are kept and sent when the connection is back",
        Reconnecting => "Reconnecting…",
        Loading => "Loading…",
        ErrorPrefix => "Something went wrong:",
        NoSuchRoom => "There is no room with this code.",
        StartTitle => "Deliberate together",
        StartIntro => "Everyone votes on short statements from their phone; the room sees its opinion groups, what they share and what divides them.",
        CreateTitle => "Create a room",
        TopicLabel => "Topic",
        DescriptionLabel => "Background (optional)",
        StatementsLabel => "Seed statements, one per line",
        ModerationLabel => "New statements from participants",
        ModerationOpen => "Show at once",
        ModerationStrict => "Wait for my approval",
        CreateButton => "Create the room",
        JoinTitle => "Join a room",
        CodeLabel => "Room code",
        JoinButton => "Join",
        ExploreLink => "Explore a Polis export in your browser",
        Agree => "Agree",
        Disagree => "Disagree",
        Pass => "Pass / unsure",
        Progress => "{n} of {total}",
        AllVoted => "You have voted on every statement. New ones may still come.",
        AddTitle => "Add your own statement",
        AddPlaceholder => "I think…",
        Send => "Send",
        Pending => "waiting for the facilitator",
        StatementSent => "Thank you, your statement was sent.",
        YouAreInGroup => "You are in group {group}",
        GroupReason => "Group {group} stands out on:",
        StanceAgree => "{percent}% agree",
        StanceDisagree => "{percent}% disagree",
        QueuedVotes => "{n} votes waiting to be sent",
        WaitingForGroups => "Groups appear once 7 people have voted.",
        RoomClosed => "This room is closed. Thank you for taking part.",
        SpectrumTitle => "Where do you stand?",
        Round => "Round {round}",
        StronglyDisagree => "Strongly disagree",
        SomewhatDisagree => "Disagree",
        Neutral => "In between",
        SomewhatAgree => "Agree",
        StronglyAgree => "Strongly agree",
        FirstRoundWas => "In round 1 you chose: {position}",
        ScanToJoin => "Scan to join",
        OrOpen => "or open",
        RoomCode => "Code",
        Participants => "Participants",
        Votes => "Votes",
        OpinionMap => "Opinion map",
        GroupsTitle => "Opinion groups",
        GroupName => "Group {group}",
        People => "{n} people",
        ConsensusTitle => "Common ground",
        DivisiveTitle => "Where the groups differ",
        NoGroupsYet => "Groups appear when 7 or more people have voted.",
        MovementTitle => "Who moved",
        RoundOne => "Round 1",
        RoundTwo => "Round 2",
        MovedAgree => "{n} toward agree",
        MovedDisagree => "{n} toward disagree",
        Stayed => "{n} stayed",
        NoSpectrumYet => "The facilitator has not started a spectrum yet.",
        EveryoneAgrees => "{percent}% of the room agrees",
        EveryoneDisagrees => "{percent}% of the room disagrees",
        StageCollect => "Collect",
        StageGroups => "Groups",
        StageDivisive => "Divisive",
        StageSpectrum => "Spectrum",
        StageReport => "Report",
        FullScreen => "Full screen",
        NextPage => "Next page",
        HostTitle => "Facilitator console",
        StageLabel => "Show on the projector",
        ModerationQueue => "Waiting for approval",
        Accept => "Accept",
        Reject => "Reject",
        NothingPending => "Nothing waiting.",
        StatementsTitle => "Statements",
        StartSpectrum => "Spectrum",
        OpenRoundTwo => "Open round 2",
        CloseSpectrum => "Close the spectrum",
        ExportTitle => "Export",
        KeyMissing => "This console needs the facilitator link you got when you created the room.",
        OpenScreen => "Open the projector screen",
        CloseRoom => "Close the room",
        KeepLink => "Keep this page's address: it holds your facilitator key.",
        PhoneLink => "Participants open",
        ExploreTitle => "Explore a Polis export",
        ExploreHelp => "Choose comments.csv and votes.csv (or votes.json and comments.json). Everything runs in this browser; nothing is uploaded.",
        PresetLabel => "Method",
        PresetWorkshop => "Workshop (2–3 groups)",
        PresetPolis => "Polis (as pol.is)",
        ChooseFiles => "Choose files",
        RulesLabel => "House rules (optional)",
        RulesHint => "Every phone shows them before the first vote. Leave empty for the standard rules.",
        ConsentTitle => "Before you start",
        RuleAnonymous => "Taking part is anonymous: no name, no account, no photo.",
        RuleShown => "Statements, votes and released notes may be shown on the screen and in the report.",
        RuleNotes => "Table notes are shown only when the facilitator releases them, and never with their author.",
        IAgree => "I agree",
        StageTables => "Tables",
        TablesTitle => "Discussion tables",
        TableModeLabel => "Who sits together",
        ModeSameGroup => "Same group",
        ModeMixed => "Mixed groups",
        TableSizeLabel => "At most per table",
        FormTables => "Form tables",
        FormAgain => "Form again",
        Dissolve => "Dissolve the tables",
        PlanSummary => "Plan {plan}: {tables} tables, {people} people",
        TableNumber => "Table {n}",
        TableOfGroup => "Table {n} · group {group}",
        NoGroup => "no group",
        NoTablesYet => "The facilitator has not formed tables yet.",
        ReportersReady => "Every table has a reporter",
        NotesTitle => "Notes",
        NoNotesYet => "No notes yet.",
        Release => "Release",
        ReleasedMark => "released",
        YourTable => "Your table",
        LookForSign => "Look for the sign with {n} on it",
        ReporterPrompt => "You report for table {n} — what did your table find?",
        ReporterPrivate => "Only you see this.",
        PassRole => "Pass the role on",
        TableNotesTitle => "Your table's notes",
        AddNote => "Add a note",
        NotePlaceholder => "What did your table say?",
        CharCount => "{n} of {max} characters",
        Withdraw => "Withdraw",
        Sending => "sending…",
        NoteSent => "Note added. It appears on the screen only if the facilitator releases it.",
        NoteMine => "yours",
    }
}

fn zh_tw(k: Key) -> &'static str {
    use Key::*;
    match k {
        Language => "語言",
        Offline => "離線中：你的投票已保留，連線恢復後會送出",
        Reconnecting => "重新連線中…",
        Loading => "載入中…",
        ErrorPrefix => "發生錯誤：",
        NoSuchRoom => "找不到這個代碼的房間。",
        StartTitle => "一起審議",
        StartIntro => "每個人用手機對簡短的陳述投票；全場會看到意見群組、彼此的共識，以及分歧所在。",
        CreateTitle => "建立房間",
        TopicLabel => "議題",
        DescriptionLabel => "背景說明（選填）",
        StatementsLabel => "初始陳述，每行一則",
        ModerationLabel => "參與者新增的陳述",
        ModerationOpen => "立即顯示",
        ModerationStrict => "經我審核後顯示",
        CreateButton => "建立房間",
        JoinTitle => "加入房間",
        CodeLabel => "房間代碼",
        JoinButton => "加入",
        ExploreLink => "在瀏覽器中探索 Polis 匯出資料",
        Agree => "同意",
        Disagree => "不同意",
        Pass => "略過／不確定",
        Progress => "第 {n} 則，共 {total} 則",
        AllVoted => "你已對所有陳述投票。之後可能還會有新的陳述。",
        AddTitle => "新增你的陳述",
        AddPlaceholder => "我認為…",
        Send => "送出",
        Pending => "等待主持人審核",
        StatementSent => "謝謝，你的陳述已送出。",
        YouAreInGroup => "你在 {group} 組",
        GroupReason => "{group} 組的特點：",
        StanceAgree => "{percent}% 同意",
        StanceDisagree => "{percent}% 不同意",
        QueuedVotes => "有 {n} 票等待送出",
        WaitingForGroups => "有 7 人投票後就會出現群組。",
        RoomClosed => "這個房間已關閉。謝謝你的參與。",
        SpectrumTitle => "你站在哪裡？",
        Round => "第 {round} 輪",
        StronglyDisagree => "非常不同意",
        SomewhatDisagree => "不同意",
        Neutral => "中間",
        SomewhatAgree => "同意",
        StronglyAgree => "非常同意",
        FirstRoundWas => "第一輪你選了：{position}",
        ScanToJoin => "掃描加入",
        OrOpen => "或開啟",
        RoomCode => "代碼",
        Participants => "參與人數",
        Votes => "投票數",
        OpinionMap => "意見地圖",
        GroupsTitle => "意見群組",
        GroupName => "{group} 組",
        People => "{n} 人",
        ConsensusTitle => "共同點",
        DivisiveTitle => "群組之間的分歧",
        NoGroupsYet => "有 7 人以上投票後就會出現群組。",
        MovementTitle => "誰移動了",
        RoundOne => "第一輪",
        RoundTwo => "第二輪",
        MovedAgree => "{n} 人往同意移動",
        MovedDisagree => "{n} 人往不同意移動",
        Stayed => "{n} 人沒有移動",
        NoSpectrumYet => "主持人尚未開始光譜站位。",
        EveryoneAgrees => "全場 {percent}% 同意",
        EveryoneDisagrees => "全場 {percent}% 不同意",
        StageCollect => "收集",
        StageGroups => "群組",
        StageDivisive => "分歧",
        StageSpectrum => "光譜",
        StageReport => "報告",
        FullScreen => "全螢幕",
        NextPage => "下一頁",
        HostTitle => "主持人控制台",
        StageLabel => "投影畫面顯示",
        ModerationQueue => "等待審核",
        Accept => "接受",
        Reject => "拒絕",
        NothingPending => "沒有待審核的陳述。",
        StatementsTitle => "陳述",
        StartSpectrum => "光譜站位",
        OpenRoundTwo => "開始第二輪",
        CloseSpectrum => "結束光譜站位",
        ExportTitle => "匯出",
        KeyMissing => "這個控制台需要你建立房間時取得的主持人連結。",
        OpenScreen => "開啟投影畫面",
        CloseRoom => "關閉房間",
        KeepLink => "請保存此頁網址：其中含有你的主持人金鑰。",
        PhoneLink => "參與者請開啟",
        ExploreTitle => "探索 Polis 匯出資料",
        ExploreHelp => "選擇 comments.csv 與 votes.csv（或 votes.json 與 comments.json）。所有計算都在此瀏覽器中進行，不會上傳任何資料。",
        PresetLabel => "方法",
        PresetWorkshop => "工作坊（2–3 組）",
        PresetPolis => "Polis（與 pol.is 相同）",
        ChooseFiles => "選擇檔案",
        RulesLabel => "場地規則（選填）",
        RulesHint => "每支手機在第一次投票前都會看到；留空則顯示標準規則。",
        ConsentTitle => "開始之前",
        RuleAnonymous => "匿名參與：不需要姓名、帳號或照片。",
        RuleShown => "意見、投票和已公開的筆記，可能會顯示在投影幕與報告中。",
        RuleNotes => "桌邊筆記要等主持人公開後才會顯示，而且不會標示作者。",
        IAgree => "我同意",
        StageTables => "分桌",
        TablesTitle => "分桌討論",
        TableModeLabel => "怎麼分桌",
        ModeSameGroup => "同一群組",
        ModeMixed => "各群組混合",
        TableSizeLabel => "每桌最多人數",
        FormTables => "開始分桌",
        FormAgain => "重新分桌",
        Dissolve => "解散各桌",
        PlanSummary => "第 {plan} 次分桌：{tables} 桌，共 {people} 人",
        TableNumber => "第 {n} 桌",
        TableOfGroup => "第 {n} 桌 · {group} 群",
        NoGroup => "未分群",
        NoTablesYet => "主持人還沒有分桌。",
        ReportersReady => "每一桌都有報告人了",
        NotesTitle => "筆記",
        NoNotesYet => "還沒有筆記。",
        Release => "公開",
        ReleasedMark => "已公開",
        YourTable => "你的桌號",
        LookForSign => "請找寫著 {n} 的桌牌",
        ReporterPrompt => "你是第 {n} 桌的報告人：你們這桌討論出什麼？",
        ReporterPrivate => "只有你看得到這則訊息。",
        PassRole => "把角色交給別人",
        TableNotesTitle => "本桌筆記",
        AddNote => "新增筆記",
        NotePlaceholder => "你們這桌說了什麼？",
        CharCount => "{n}/{max} 字",
        Withdraw => "撤回",
        Sending => "傳送中…",
        NoteSent => "已新增筆記。主持人公開後，才會出現在投影幕上。",
        NoteMine => "你寫的",
    }
}

fn ja(k: Key) -> &'static str {
    use Key::*;
    match k {
        Language => "言語",
        Offline => "オフライン：投票は保存され、接続が戻ると送信されます",
        Reconnecting => "再接続中…",
        Loading => "読み込み中…",
        ErrorPrefix => "エラーが発生しました：",
        NoSuchRoom => "このコードのルームはありません。",
        StartTitle => "ともに熟議する",
        StartIntro => "全員がスマートフォンで短い意見に投票し、会場全体で意見グループ、共通点、そして分かれ目を確認します。",
        CreateTitle => "ルームを作成",
        TopicLabel => "テーマ",
        DescriptionLabel => "背景説明（任意）",
        StatementsLabel => "最初の意見（1行に1つ）",
        ModerationLabel => "参加者が追加した意見",
        ModerationOpen => "すぐに表示",
        ModerationStrict => "承認後に表示",
        CreateButton => "ルームを作成する",
        JoinTitle => "ルームに参加",
        CodeLabel => "ルームコード",
        JoinButton => "参加する",
        ExploreLink => "Polis のエクスポートをブラウザで分析",
        Agree => "賛成",
        Disagree => "反対",
        Pass => "パス／わからない",
        Progress => "{total} 件中 {n} 件",
        AllVoted => "すべての意見に投票しました。新しい意見が追加されるかもしれません。",
        AddTitle => "自分の意見を追加",
        AddPlaceholder => "私は…と思う",
        Send => "送信",
        Pending => "ファシリテーターの承認待ち",
        StatementSent => "ありがとうございます。意見を送信しました。",
        YouAreInGroup => "あなたはグループ {group} です",
        GroupReason => "グループ {group} の特徴：",
        StanceAgree => "{percent}% が賛成",
        StanceDisagree => "{percent}% が反対",
        QueuedVotes => "送信待ちの投票：{n} 件",
        WaitingForGroups => "7 人が投票するとグループが表示されます。",
        RoomClosed => "このルームは終了しました。ご参加ありがとうございました。",
        SpectrumTitle => "あなたの立ち位置は？",
        Round => "第 {round} ラウンド",
        StronglyDisagree => "強く反対",
        SomewhatDisagree => "反対",
        Neutral => "どちらでもない",
        SomewhatAgree => "賛成",
        StronglyAgree => "強く賛成",
        FirstRoundWas => "第 1 ラウンドの選択：{position}",
        ScanToJoin => "スキャンして参加",
        OrOpen => "または次を開く",
        RoomCode => "コード",
        Participants => "参加者",
        Votes => "投票数",
        OpinionMap => "意見マップ",
        GroupsTitle => "意見グループ",
        GroupName => "グループ {group}",
        People => "{n} 人",
        ConsensusTitle => "共通点",
        DivisiveTitle => "グループ間で分かれる意見",
        NoGroupsYet => "7 人以上が投票するとグループが表示されます。",
        MovementTitle => "立ち位置の変化",
        RoundOne => "第 1 ラウンド",
        RoundTwo => "第 2 ラウンド",
        MovedAgree => "{n} 人が賛成側へ",
        MovedDisagree => "{n} 人が反対側へ",
        Stayed => "{n} 人はそのまま",
        NoSpectrumYet => "ファシリテーターはまだスペクトラムを始めていません。",
        EveryoneAgrees => "会場の {percent}% が賛成",
        EveryoneDisagrees => "会場の {percent}% が反対",
        StageCollect => "収集",
        StageGroups => "グループ",
        StageDivisive => "分かれ目",
        StageSpectrum => "スペクトラム",
        StageReport => "レポート",
        FullScreen => "全画面",
        NextPage => "次のページ",
        HostTitle => "ファシリテーター画面",
        StageLabel => "プロジェクターに表示",
        ModerationQueue => "承認待ち",
        Accept => "承認",
        Reject => "却下",
        NothingPending => "承認待ちはありません。",
        StatementsTitle => "意見一覧",
        StartSpectrum => "スペクトラム",
        OpenRoundTwo => "第 2 ラウンドを開始",
        CloseSpectrum => "スペクトラムを終了",
        ExportTitle => "エクスポート",
        KeyMissing => "この画面には、ルーム作成時に受け取ったファシリテーター用リンクが必要です。",
        OpenScreen => "プロジェクター画面を開く",
        CloseRoom => "ルームを終了",
        KeepLink => "このページのアドレスを保存してください。ファシリテーター鍵が含まれています。",
        PhoneLink => "参加者はこちらを開く",
        ExploreTitle => "Polis のエクスポートを分析",
        ExploreHelp => "comments.csv と votes.csv（または votes.json と comments.json）を選んでください。計算はすべてこのブラウザ内で行われ、何もアップロードされません。",
        PresetLabel => "方式",
        PresetWorkshop => "ワークショップ（2〜3 グループ）",
        PresetPolis => "Polis（pol.is と同じ）",
        ChooseFiles => "ファイルを選択",
        RulesLabel => "この場のルール（任意）",
        RulesHint => "最初の投票の前に、すべてのスマートフォンに表示されます。空欄なら標準のルールを表示します。",
        ConsentTitle => "はじめる前に",
        RuleAnonymous => "参加は匿名です。名前もアカウントも写真もいりません。",
        RuleShown => "意見・投票・公開されたメモは、スクリーンやレポートに表示されることがあります。",
        RuleNotes => "テーブルのメモは、ファシリテーターが公開したときだけ表示され、書いた人は示されません。",
        IAgree => "同意する",
        StageTables => "テーブル",
        TablesTitle => "テーブル討論",
        TableModeLabel => "テーブルの組み方",
        ModeSameGroup => "同じグループ",
        ModeMixed => "グループを混ぜる",
        TableSizeLabel => "1テーブルの最大人数",
        FormTables => "テーブルを組む",
        FormAgain => "組み直す",
        Dissolve => "テーブルを解散",
        PlanSummary => "{plan}回目の組分け：{tables}テーブル、{people}人",
        TableNumber => "テーブル {n}",
        TableOfGroup => "テーブル {n} · グループ {group}",
        NoGroup => "グループなし",
        NoTablesYet => "テーブルはまだ組まれていません。",
        ReportersReady => "すべてのテーブルに報告者がいます",
        NotesTitle => "メモ",
        NoNotesYet => "メモはまだありません。",
        Release => "公開する",
        ReleasedMark => "公開済み",
        YourTable => "あなたのテーブル",
        LookForSign => "{n} と書かれた札を探してください",
        ReporterPrompt => "あなたはテーブル {n} の報告者です。テーブルではどんな話が出ましたか？",
        ReporterPrivate => "これはあなたにだけ表示されています。",
        PassRole => "役割をゆずる",
        TableNotesTitle => "テーブルのメモ",
        AddNote => "メモを追加",
        NotePlaceholder => "テーブルでどんな話が出ましたか？",
        CharCount => "{n}/{max}文字",
        Withdraw => "取り下げる",
        Sending => "送信中…",
        NoteSent => "メモを追加しました。ファシリテーターが公開したときだけスクリーンに出ます。",
        NoteMine => "あなたのメモ",
    }
}

fn ko(k: Key) -> &'static str {
    use Key::*;
    match k {
        Language => "언어",
        Offline => "오프라인: 투표는 저장되어 있으며 연결되면 전송됩니다",
        Reconnecting => "다시 연결하는 중…",
        Loading => "불러오는 중…",
        ErrorPrefix => "문제가 발생했습니다:",
        NoSuchRoom => "이 코드의 방이 없습니다.",
        StartTitle => "함께 숙의하기",
        StartIntro => "모두가 휴대폰으로 짧은 의견에 투표하면, 전체가 의견 그룹과 공통점, 그리고 갈리는 지점을 함께 봅니다.",
        CreateTitle => "방 만들기",
        TopicLabel => "주제",
        DescriptionLabel => "배경 설명 (선택)",
        StatementsLabel => "처음 의견, 한 줄에 하나씩",
        ModerationLabel => "참가자가 추가한 의견",
        ModerationOpen => "바로 보이기",
        ModerationStrict => "내가 승인한 뒤 보이기",
        CreateButton => "방 만들기 완료",
        JoinTitle => "방에 참여하기",
        CodeLabel => "방 코드",
        JoinButton => "참여",
        ExploreLink => "브라우저에서 Polis 내보내기 분석하기",
        Agree => "동의",
        Disagree => "반대",
        Pass => "건너뛰기 / 모르겠음",
        Progress => "{total}개 중 {n}번째",
        AllVoted => "모든 의견에 투표했습니다. 새 의견이 더 올라올 수 있습니다.",
        AddTitle => "내 의견 추가하기",
        AddPlaceholder => "나는 …라고 생각한다",
        Send => "보내기",
        Pending => "진행자 승인 대기 중",
        StatementSent => "감사합니다. 의견이 전송되었습니다.",
        YouAreInGroup => "당신은 {group} 그룹입니다",
        GroupReason => "{group} 그룹의 특징:",
        StanceAgree => "{percent}% 동의",
        StanceDisagree => "{percent}% 반대",
        QueuedVotes => "전송 대기 중인 투표 {n}개",
        WaitingForGroups => "7명이 투표하면 그룹이 나타납니다.",
        RoomClosed => "이 방은 종료되었습니다. 참여해 주셔서 감사합니다.",
        SpectrumTitle => "당신의 입장은?",
        Round => "{round}라운드",
        StronglyDisagree => "매우 반대",
        SomewhatDisagree => "반대",
        Neutral => "중간",
        SomewhatAgree => "동의",
        StronglyAgree => "매우 동의",
        FirstRoundWas => "1라운드에서 고른 것: {position}",
        ScanToJoin => "스캔해서 참여하기",
        OrOpen => "또는 열기",
        RoomCode => "코드",
        Participants => "참가자",
        Votes => "투표 수",
        OpinionMap => "의견 지도",
        GroupsTitle => "의견 그룹",
        GroupName => "{group} 그룹",
        People => "{n}명",
        ConsensusTitle => "공통점",
        DivisiveTitle => "그룹 간에 갈리는 의견",
        NoGroupsYet => "7명 이상 투표하면 그룹이 나타납니다.",
        MovementTitle => "입장 변화",
        RoundOne => "1라운드",
        RoundTwo => "2라운드",
        MovedAgree => "{n}명 동의 쪽으로",
        MovedDisagree => "{n}명 반대 쪽으로",
        Stayed => "{n}명 그대로",
        NoSpectrumYet => "진행자가 아직 스펙트럼을 시작하지 않았습니다.",
        EveryoneAgrees => "전체의 {percent}% 동의",
        EveryoneDisagrees => "전체의 {percent}% 반대",
        StageCollect => "수집",
        StageGroups => "그룹",
        StageDivisive => "쟁점",
        StageSpectrum => "스펙트럼",
        StageReport => "보고서",
        FullScreen => "전체 화면",
        NextPage => "다음 페이지",
        HostTitle => "진행자 화면",
        StageLabel => "프로젝터에 표시",
        ModerationQueue => "승인 대기",
        Accept => "승인",
        Reject => "거절",
        NothingPending => "대기 중인 의견이 없습니다.",
        StatementsTitle => "의견 목록",
        StartSpectrum => "스펙트럼",
        OpenRoundTwo => "2라운드 시작",
        CloseSpectrum => "스펙트럼 종료",
        ExportTitle => "내보내기",
        KeyMissing => "이 화면에는 방을 만들 때 받은 진행자 링크가 필요합니다.",
        OpenScreen => "프로젝터 화면 열기",
        CloseRoom => "방 종료",
        KeepLink => "이 페이지 주소를 보관하세요. 진행자 키가 들어 있습니다.",
        PhoneLink => "참가자는 여기를 여세요",
        ExploreTitle => "Polis 내보내기 분석",
        ExploreHelp => "comments.csv와 votes.csv(또는 votes.json과 comments.json)를 고르세요. 모든 계산은 이 브라우저 안에서 이루어지며 아무것도 업로드되지 않습니다.",
        PresetLabel => "방식",
        PresetWorkshop => "워크숍 (2–3개 그룹)",
        PresetPolis => "Polis (pol.is와 동일)",
        ChooseFiles => "파일 선택",
        RulesLabel => "진행 규칙 (선택)",
        RulesHint => "첫 투표 전에 모든 휴대폰에 표시됩니다. 비워 두면 기본 규칙이 표시됩니다.",
        ConsentTitle => "시작하기 전에",
        RuleAnonymous => "참여는 익명입니다. 이름도, 계정도, 사진도 필요 없습니다.",
        RuleShown => "의견, 투표, 공개된 메모는 화면과 보고서에 나올 수 있습니다.",
        RuleNotes => "테이블 메모는 진행자가 공개할 때만 보이며, 작성자는 표시되지 않습니다.",
        IAgree => "동의합니다",
        StageTables => "테이블",
        TablesTitle => "테이블 토론",
        TableModeLabel => "테이블 구성",
        ModeSameGroup => "같은 그룹끼리",
        ModeMixed => "여러 그룹 섞기",
        TableSizeLabel => "테이블당 최대 인원",
        FormTables => "테이블 나누기",
        FormAgain => "다시 나누기",
        Dissolve => "테이블 해산",
        PlanSummary => "{plan}번째 배치: 테이블 {tables}개, {people}명",
        TableNumber => "{n}번 테이블",
        TableOfGroup => "{n}번 테이블 · {group} 그룹",
        NoGroup => "그룹 없음",
        NoTablesYet => "아직 테이블을 나누지 않았습니다.",
        ReportersReady => "모든 테이블에 발표자가 정해졌습니다",
        NotesTitle => "메모",
        NoNotesYet => "아직 메모가 없습니다.",
        Release => "공개",
        ReleasedMark => "공개됨",
        YourTable => "내 테이블",
        LookForSign => "{n}번 팻말을 찾으세요",
        ReporterPrompt => "{n}번 테이블의 발표자입니다. 테이블에서 어떤 이야기가 나왔나요?",
        ReporterPrivate => "이 안내는 나에게만 보입니다.",
        PassRole => "다른 사람에게 넘기기",
        TableNotesTitle => "우리 테이블 메모",
        AddNote => "메모 추가",
        NotePlaceholder => "테이블에서 어떤 이야기가 나왔나요?",
        CharCount => "{n}/{max}자",
        Withdraw => "철회",
        Sending => "보내는 중…",
        NoteSent => "메모를 추가했습니다. 진행자가 공개해야 화면에 나옵니다.",
        NoteMine => "내 메모",
    }
}

/// All tables as JSON (`{"en": {"Agree": "Agree", …}, "zh-TW": {…}, …}`), for the browser tests.
pub fn tables_json() -> String {
    let mut langs = serde_json::Map::new();
    for lang in Lang::ALL {
        let table: serde_json::Map<String, serde_json::Value> = Key::ALL
            .iter()
            .map(|k| (k.name().to_string(), t(lang, *k).into()))
            .collect();
        langs.insert(lang.tag().to_string(), table.into());
    }
    serde_json::Value::Object(langs).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_translated_in_every_language() {
        for lang in Lang::ALL {
            for &k in Key::ALL {
                assert!(!t(lang, k).trim().is_empty(), "{lang:?} {k:?} is empty");
                if lang != Lang::En {
                    assert_ne!(
                        t(lang, k),
                        t(Lang::En, k),
                        "{lang:?} {k:?} is still English"
                    );
                }
            }
        }
    }

    #[test]
    fn placeholders_survive_translation() {
        for &k in Key::ALL {
            let en = t(Lang::En, k);
            let names: Vec<&str> = en
                .split('{')
                .skip(1)
                .filter_map(|s| s.split('}').next())
                .collect();
            for lang in Lang::ALL {
                for n in &names {
                    assert!(
                        t(lang, k).contains(&format!("{{{n}}}")),
                        "{lang:?} {k:?} lacks {{{n}}}"
                    );
                }
            }
        }
    }

    #[test]
    fn browser_tags_pick_a_language() {
        assert_eq!(Lang::from_tag("zh-TW"), Lang::ZhTw);
        assert_eq!(Lang::from_tag("zh-Hant-HK"), Lang::ZhTw);
        assert_eq!(Lang::from_tag("ja-JP"), Lang::Ja);
        assert_eq!(Lang::from_tag("ko"), Lang::Ko);
        assert_eq!(Lang::from_tag("fr-FR"), Lang::En);
        assert_eq!(
            fill(
                "{n} of {total}",
                &[("n", "3".into()), ("total", "9".into())]
            ),
            "3 of 9"
        );
    }
}

// What the walk's facilitator types and its participants write, in each UI language: a topic, a
// background, ten seed statements (first-person claims, one long one to stress the projector),
// a briefing card with two positions, the group names given at the groups stage, a statement a
// phone adds and a table note. The same workshop in four languages, so the screens compare.
export const CONTENT = {
  'zh-TW': {
    topic: '共享電動滑板車該不該上人行道？',
    description: '市政府正在考慮開放共享電動滑板車，想先聽聽市民的意見。',
    statements: [
      '我覺得電動滑板車應該禁止騎上人行道。',
      '我認為騎滑板車的人應該強制戴安全帽。',
      '我希望滑板車只能停在指定的停車格。',
      '我覺得滑板車能減少短程開車。',
      '我認為業者應該為亂停的車負責並被罰款。',
      '我願意為了安全的自行車道少一些路邊停車位。',
      '我覺得十八歲以下不應該能租用滑板車。',
      '我認為市政府應該先試辦一年再決定。',
      '我覺得晚上十點以後應該限速每小時十五公里。',
      '我認為在捷運站、公車站與學校周邊，滑板車應該一律限速並設置明顯的停車區，而且業者要負責每天巡查與移走擋住無障礙通道的車輛，否則市政府應該暫停它們的營業許可，直到改善為止。',
    ],
    brief: {
      title: '目前的規定',
      text: '現行法規把電動滑板車視為「電動輔助自行車」以外的載具，不能上路，也不能上人行道。',
      positions: [
        { side: '業者', text: '開放後可以減少短程開車與停車需求。', source: '業者公開說明' },
        { side: '行人團體', text: '人行道應該留給行人，尤其是長者與輪椅使用者。', source: '行人路權促進會' },
      ],
    },
    groupName: '安全優先',
    own: '我覺得滑板車的押金應該退還得更快。',
    note: '我們這桌都同意人行道要留給行人，但對罰業者還是罰騎士沒有共識。',
  },
  en: {
    topic: 'Should shared e-scooters be allowed on pavements?',
    description: 'The city is considering a shared e-scooter scheme and wants to hear from residents first.',
    statements: [
      'I think e-scooters should be banned from pavements.',
      'I believe scooter riders should have to wear a helmet.',
      'I want scooters to be parked only in marked bays.',
      'I think scooters can replace many short car trips.',
      'I believe operators should be fined for badly parked scooters.',
      'I would give up some street parking for safe bike lanes.',
      'I think people under 18 should not be able to rent scooters.',
      'I think the city should run a one-year trial before deciding.',
      'I think scooters should be limited to 15 km/h after 10 pm.',
      'I believe that around metro stations, bus stops and schools, scooters should be slowed down and given clearly marked parking areas, and operators should check every day and remove any scooter that blocks step-free access, or lose their licence.',
    ],
    brief: {
      title: 'The rules today',
      text: 'Under current law, e-scooters may not be ridden on public roads or on pavements.',
      positions: [
        { side: 'Operators', text: 'Opening up would cut short car trips and the need for parking.', source: 'Operators\' public statement' },
        { side: 'Pedestrian groups', text: 'Pavements are for walking, especially for older people and wheelchair users.', source: 'Living Streets' },
      ],
    },
    groupName: 'Safety first',
    own: 'I think scooter deposits should be refunded faster.',
    note: 'Our table agrees pavements are for people on foot, but not on whether to fine operators or riders.',
  },
  ja: {
    topic: 'シェア電動キックボードの歩道走行を認めるべきか？',
    description: '市はシェア電動キックボードの導入を検討しており、まず市民の声を聞きたいと考えています。',
    statements: [
      '電動キックボードは歩道での走行を禁止すべきだと思う。',
      '利用者にはヘルメットの着用を義務づけるべきだと思う。',
      'キックボードは決められた駐車スペースにだけ停めるべきだ。',
      'キックボードは短距離の車移動を減らせると思う。',
      '放置されたキックボードについては事業者に罰金を科すべきだ。',
      '安全な自転車レーンのためなら路上駐車スペースが減ってもよい。',
      '18歳未満はキックボードを借りられないようにすべきだと思う。',
      '市は決める前に1年間の試験運用をすべきだと思う。',
      '午後10時以降は時速15キロに制限すべきだと思う。',
      '駅やバス停、学校の周りでは、キックボードの速度を常に落とさせ、はっきりと表示された駐車エリアを設けるべきで、事業者は毎日巡回して段差のない通路をふさぐ車両を撤去すべきだ。そうしない場合、市は改善されるまで営業許可を停止すべきだと思う。',
    ],
    brief: {
      title: '現在のルール',
      text: '現行の法律では、電動キックボードは公道でも歩道でも走行できません。',
      positions: [
        { side: '事業者', text: '解禁すれば短距離の車移動と駐車需要を減らせる。', source: '事業者の公式見解' },
        { side: '歩行者団体', text: '歩道は歩く人のもの、特に高齢者や車いす利用者のためにある。', source: '歩行者の会' },
      ],
    },
    groupName: '安全第一',
    own: 'キックボードの保証金はもっと早く返金されるべきだと思う。',
    note: '私たちのテーブルは歩道は歩行者のものという点で一致したが、罰するのが事業者か利用者かでは意見が分かれた。',
  },
  ko: {
    topic: '공유 전동킥보드의 보도 주행을 허용해야 할까?',
    description: '시는 공유 전동킥보드 도입을 검토하고 있으며, 먼저 시민의 의견을 듣고자 합니다.',
    statements: [
      '전동킥보드는 보도 주행을 금지해야 한다고 생각한다.',
      '킥보드 이용자는 헬멧 착용을 의무화해야 한다고 본다.',
      '킥보드는 지정된 주차 구역에만 세워야 한다.',
      '킥보드가 짧은 거리의 자동차 이용을 줄일 수 있다고 생각한다.',
      '아무 데나 세워진 킥보드에 대해서는 업체에 과태료를 물려야 한다.',
      '안전한 자전거 도로를 위해서라면 노상 주차 공간이 줄어도 괜찮다.',
      '18세 미만은 킥보드를 빌릴 수 없어야 한다고 생각한다.',
      '시는 결정하기 전에 1년간 시범 운영을 해야 한다고 생각한다.',
      '밤 10시 이후에는 시속 15킬로미터로 제한해야 한다고 생각한다.',
      '지하철역과 버스 정류장, 학교 주변에서는 킥보드 속도를 항상 낮추고 눈에 잘 띄는 주차 구역을 마련해야 하며, 업체는 매일 순찰하면서 휠체어 통로를 막는 킥보드를 치워야 한다. 그러지 않으면 시는 개선될 때까지 영업 허가를 정지해야 한다고 생각한다.',
    ],
    brief: {
      title: '현재 규정',
      text: '현행법상 전동킥보드는 차도에서도 보도에서도 주행할 수 없습니다.',
      positions: [
        { side: '업체', text: '허용하면 짧은 거리의 자동차 이용과 주차 수요를 줄일 수 있다.', source: '업체 공식 입장' },
        { side: '보행자 단체', text: '보도는 걷는 사람, 특히 노인과 휠체어 이용자를 위한 공간이다.', source: '보행권 시민모임' },
      ],
    },
    groupName: '안전 우선',
    own: '킥보드 보증금은 더 빨리 돌려줘야 한다고 생각한다.',
    note: '우리 테이블은 보도가 보행자를 위한 곳이라는 데 동의했지만, 업체와 이용자 중 누구에게 과태료를 물릴지는 의견이 갈렸다.',
  },
};

/**
 * How person `p` of camp `camp` (0, 1 or 2) votes on statement `s`: statements 0–5 and 9
 * divide the camps, 6 and 7 everyone agrees with, 8 everyone rejects; each person passes on one
 * statement of their own, so nobody votes exactly like another.
 */
export function walkVote(p, camp, s) {
  if (s === (p * 7 + 3) % 10 && s !== 6) return 'pass';
  if (s === 6 || s === 7) return 'agree';
  if (s === 8) return 'disagree';
  if (s === 9) return camp === 0 ? 'agree' : 'disagree';
  return s % 3 === camp ? 'agree' : 'disagree';
}

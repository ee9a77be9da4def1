/**
 * Frequent characters, used to tell a right decoding from a wrong one: text decoded with the right
 * encoding is dominated by a few hundred common characters, a wrong one scatters over thousands.
 */

/** Frequent Chinese characters (simplified and traditional forms) and frequent Japanese kanji. */
export const COMMON_HAN: ReadonlySet<string> = new Set(
  (
    // Simplified
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后" +
    "作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因" +
    "只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应" +
    "战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿" +
    "原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太" +
    "量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界" +
    "达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今" +
    "切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存" +
    "未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官" +
    "火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历" +
    "首医局突专费号尼啊嗯哦呀哪谁吧走跟帮错等快慢喜欢妈爸哥姐弟妹朋友孩今晚明昨谢对起没关系再见" +
    // Traditional forms of the above that differ
    "這們為來個國說時會過對後麼發還與點現種樣實經將兩開無動進學當沒長門問從關業頭愛體見聽覺讓氣車話讀" +
    "東應義邊電間錢給書記樂語請認難場歡戰網機報區題論寫親幾聲級師資議醫華寶團單歲選歷臺灣嗎嗯誰幫錯歡" +
    "媽謝係見們裡麼樣還將讓該給從這裡嗎媽買賣賽雙萬與專業東絲兩嚴喪個豐臨為麗舉義烏樂喬習鄉書買亂爭" +
    "於虧雲亞產畝親褻億僅從侖倉儀們價眾優夥會傘偉傳傷倫偽佇體餘傭僉俠侶僥偵側僑儈儕儂俁儔儼倆儷儉債傾" +
    // Japanese kanji in everyday dialogue, and shinjitai forms
    "私君彼様僕俺達気発関戦対会国来実当学体円駅図変払訳悪楽薬読売県区辺帰広恋営権歳続戻込済渡説"
  ).split(""),
);

/** Frequent Hangul syllables of spoken Korean. */
export const COMMON_HANGUL: ReadonlySet<string> = new Set(
  (
    "이다는하에고가의을지를서한로기도사어리자일요나그수아게대해시라인면니있것으내거주보정만제전야습들안" +
    "우까말네세래여무없알오데저상생미장조소죽뭐왜좋했된될할줘줄좀잘못씨님겠었았워봐와너난날널당신엄마빠" +
    "응예진짜요구금부비중했던건걸게겠네요죠요어떻게알았어요괜찮아요감사합니다미안해요사랑해요"
  ).split(""),
);

/** The most frequent lowercase Cyrillic letters of Russian text. */
export const COMMON_CYRILLIC: ReadonlySet<string> = new Set("оеаинтсрвлкм".split(""));

"""The fixed public wording of each warning kind in Japanese, Korean and English.

Public warnings are read in seconds, so each kind has one fixed phrasing, repeated the way
Japan's J-Alert broadcasts it ("ミサイル発射。ミサイル発射。") and Korean civil-defence
messages read ("미사일 발사. 미사일 발사."). The wording follows the public J-Alert texts
(launch, take cover, overflight, impact, withdrawal) without naming a launching country: the
warning engine knows where a launch came from, not who launched it.
"""

from __future__ import annotations

from typing import NamedTuple

LANGUAGES = ("ja-JP", "ko-KR", "en-US")
CANCELS = ("withdrawal", "all-clear")  # the kinds that end a warning rather than state one


class Wording(NamedTuple):
    event: str
    headline: str
    description: str
    instruction: str


_SUSPICIOUS = {
    "ja-JP": "不審な物を発見した場合には、決して近寄らず、直ちに警察や消防などに連絡して下さい。",
    "ko-KR": "수상한 물체를 발견하면 절대 가까이 가지 말고 즉시 경찰이나 소방서에 신고하십시오.",
    "en-US": "If you find a suspicious object, do not approach it; report it to the police or fire service at once.",
}

WORDING: dict[str, dict[str, Wording]] = {
    "launch": {
        "ja-JP": Wording(
            "弾道ミサイル発射",
            "ミサイル発射。ミサイル発射。",
            "ミサイルが発射されたものとみられます。",
            "建物の中、又は地下に避難して下さい。",
        ),
        "ko-KR": Wording(
            "탄도미사일 발사",
            "미사일 발사. 미사일 발사.",
            "미사일이 발사된 것으로 보입니다.",
            "건물 안이나 지하로 대피하십시오.",
        ),
        "en-US": Wording(
            "Ballistic missile launch",
            "Missile launch. Missile launch.",
            "A missile appears to have been launched.",
            "Go inside a building or underground.",
        ),
    },
    "threat": {
        "ja-JP": Wording(
            "ミサイル落下",
            "直ちに避難。直ちに避難。",
            "ミサイルが落下する可能性があります。",
            "直ちに建物の中、又は地下に避難して下さい。屋外にいる場合は、近くの建物の中か地下に避難して下さい。",
        ),
        "ko-KR": Wording(
            "미사일 낙하 경보",
            "즉시 대피. 즉시 대피.",
            "미사일이 낙하할 가능성이 있습니다.",
            "즉시 건물 안이나 지하로 대피하십시오. 실외에 있는 경우 가까운 건물 안이나 지하로 대피하십시오.",
        ),
        "en-US": Wording(
            "Ballistic missile threat",
            "Take cover now. Take cover now.",
            "A missile may fall in this area.",
            "Go inside a building or underground at once. If you are outdoors, take cover in the nearest building or underground.",
        ),
    },
    "overflight": {
        "ja-JP": Wording(
            "ミサイル通過",
            "ミサイル通過。ミサイル通過。",
            "ミサイルがこの地域の上空を通過する可能性があります。",
            "建物の中、又は地下に避難して下さい。",
        ),
        "ko-KR": Wording(
            "미사일 상공 통과",
            "미사일 통과. 미사일 통과.",
            "미사일이 이 지역 상공을 통과할 가능성이 있습니다.",
            "건물 안이나 지하로 대피하십시오.",
        ),
        "en-US": Wording(
            "Ballistic missile overflight",
            "Missile overflight. Missile overflight.",
            "A missile may pass over this area.",
            "Go inside a building or underground.",
        ),
    },
    "correction": {
        "ja-JP": Wording(
            "ミサイル情報（訂正）",
            "訂正。ミサイル情報の対象地域を変更します。",
            "ミサイル情報の対象地域が変更されました。",
            "引き続き建物の中、又は地下に避難して下さい。",
        ),
        "ko-KR": Wording(
            "미사일 정보(정정)",
            "정정. 미사일 경보 대상 지역이 변경되었습니다.",
            "미사일 경보 대상 지역이 변경되었습니다.",
            "계속 건물 안이나 지하에 대피하십시오.",
        ),
        "en-US": Wording(
            "Ballistic missile warning (correction)",
            "Correction: the areas under missile warning have changed.",
            "The areas under missile warning have changed.",
            "Stay inside a building or underground.",
        ),
    },
    "withdrawal": {
        "ja-JP": Wording(
            "ミサイル情報（取消）",
            "訂正。ミサイルが落下する可能性はなくなりました。",
            "先程のミサイル情報を取り消します。この地域にミサイルが落下する可能性はなくなりました。",
            "通常の生活に戻って差し支えありません。",
        ),
        "ko-KR": Wording(
            "미사일 정보(취소)",
            "정정. 미사일이 낙하할 가능성은 없어졌습니다.",
            "앞서 발령된 미사일 경보를 취소합니다. 이 지역에 미사일이 낙하할 가능성은 없어졌습니다.",
            "일상 생활로 돌아가셔도 됩니다.",
        ),
        "en-US": Wording(
            "Ballistic missile warning (withdrawn)",
            "Correction: a missile is no longer expected to fall in this area.",
            "The earlier missile warning is withdrawn; a missile is no longer expected to fall in this area.",
            "You may resume normal activities.",
        ),
    },
    "impact": {
        "ja-JP": Wording(
            "ミサイル落下",
            "ミサイル落下。ミサイル落下。",
            "ミサイルが落下したものとみられます。",
            _SUSPICIOUS["ja-JP"],
        ),
        "ko-KR": Wording(
            "미사일 낙하",
            "미사일 낙하. 미사일 낙하.",
            "미사일이 낙하한 것으로 보입니다.",
            _SUSPICIOUS["ko-KR"],
        ),
        "en-US": Wording(
            "Ballistic missile impact",
            "Missile impact. Missile impact.",
            "The missile appears to have come down.",
            _SUSPICIOUS["en-US"],
        ),
    },
    "all-clear": {
        "ja-JP": Wording(
            "ミサイル情報（解除）",
            "ミサイル情報を解除します。",
            "ミサイルによる脅威はなくなりました。",
            _SUSPICIOUS["ja-JP"],
        ),
        "ko-KR": Wording(
            "미사일 경보 해제",
            "미사일 경보를 해제합니다.",
            "미사일로 인한 위협이 해소되었습니다.",
            _SUSPICIOUS["ko-KR"],
        ),
        "en-US": Wording(
            "Ballistic missile all clear",
            "All clear.",
            "The missile threat has ended.",
            _SUSPICIOUS["en-US"],
        ),
    },
}

EXERCISE_MARK = {"ja-JP": "【訓練】", "ko-KR": "[훈련] ", "en-US": "EXERCISE: "}
EXERCISE_NOTE = {"ja-JP": "これは訓練です。", "ko-KR": "이것은 훈련 상황입니다.", "en-US": "This is an exercise."}

# Nation code -> its name in (ja, ko, en).
NATION_NAMES: dict[str, tuple[str, str, str]] = {
    "JPN": ("日本", "일본", "Japan"),
    "KOR": ("韓国", "대한민국", "Republic of Korea"),
    "USA": ("米国", "미국", "United States"),
    "AUS": ("オーストラリア", "호주", "Australia"),
    "PHL": ("フィリピン", "필리핀", "Philippines"),
    "PRK": ("北朝鮮", "북한", "North Korea"),
    "CHN": ("中国", "중국", "China"),
    "RUS": ("ロシア", "러시아", "Russia"),
    "TWN": ("台湾", "대만", "Taiwan"),
}
_KIND_NAMES = {
    "land": ("の陸域", " 영토", " land territory"),
    "EEZ": ("の排他的経済水域", " 배타적 경제수역", " exclusive economic zone"),
}
_HIGH_SEAS = ("公海", "공해", "high seas")
IMPACT_AREA = {
    "ja-JP": "ミサイル落下予測範囲（95 %）",
    "ko-KR": "미사일 낙하 예상 범위 (95 %)",
    "en-US": "Predicted impact area (95 %)",
}
CENTRE = {"ja-JP": "ミサイル警報センター", "ko-KR": "미사일 경보 센터", "en-US": "missile warning centre"}


def area_name(area: str, language: str) -> str:
    """The public name of an area code (`JPN-EEZ`, `KOR-land`, `high-seas`) in a language.

    An unknown nation keeps its code; an unknown area form is shown as its code.
    """
    i = LANGUAGES.index(language)
    if area == "high-seas":
        return _HIGH_SEAS[i]
    nation, _, kind = area.partition("-")
    if kind not in _KIND_NAMES:
        return area
    name = NATION_NAMES.get(nation, (nation,) * 3)[i]
    return name + _KIND_NAMES[kind][i]


def sender_name(nation: str, language: str) -> str:
    """The issuing centre's name, e.g. 'Japan missile warning centre (triwatch)'."""
    i = LANGUAGES.index(language)
    name = NATION_NAMES.get(nation, (nation,) * 3)[i]
    sep = "" if language == "ja-JP" else " "
    return f"{name}{sep}{CENTRE[language]} (triwatch)"

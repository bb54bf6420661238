"""Every label of the dashboard in Chinese and English; ``t(key)`` picks the current language."""

from __future__ import annotations

from typing import Any

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

LABELS: dict[str, tuple[str, str]] = {
    # app and navigation
    "app_title": ("论文追踪", "Paper Tracker"),
    "language": ("语言 / Language", "语言 / Language"),
    "page_reading_list": ("月度阅读清单", "Reading list"),
    "page_venue_changes": ("会议/期刊变化", "Venue changes"),
    "page_papers": ("论文检索", "Papers"),
    "page_ccf": ("CCF 目录", "CCF directory"),
    "page_trends": ("趋势", "Trends"),
    "page_ingestion": ("采集状态", "Ingestion"),
    "papers_in_db": ("库中论文：{n} 篇", "{n} papers in the database"),
    # empty states
    "empty_title": ("数据库里还没有论文", "The database has no papers yet"),
    "empty_body": (
        "先采集一些论文。试用：运行 `make demo`（载入自带的真实 arXiv 样本并打开本页面）。"
        "自己的数据：`tracker db upgrade`、`tracker ccf load`、`tracker topics load`，然后"
        "`tracker backfill <arXiv 快照.jsonl>` 或 `tracker ingest`。",
        "Ingest some papers first. To try it: `make demo` (loads the bundled real arXiv "
        "sample and opens this dashboard). For your own data: `tracker db upgrade`, "
        "`tracker ccf load`, `tracker topics load`, then `tracker backfill <arXiv snapshot.jsonl>` "
        "or `tracker ingest`.",
    ),
    "no_schema": (
        "数据库尚未初始化：运行 `tracker db upgrade`（或 `make demo`）。当前数据库：{url}",
        "The database is not set up: run `tracker db upgrade` (or `make demo`). Database: {url}",
    ),
    "schema_behind": (
        "数据库结构版本为 {have}，当前代码需要 {want}：运行 `tracker db upgrade` 后刷新本页。",
        "The database schema is at revision {have}, this code needs {want}: run "
        "`tracker db upgrade`, then reload this page.",
    ),
    "no_ccf": (
        "尚未载入 CCF 目录：运行 `tracker ccf load`。",
        "The CCF list is not loaded: run `tracker ccf load`.",
    ),
    "nothing_found": ("没有符合条件的结果。", "Nothing matches."),
    # common filters and columns
    "month": ("月份", "Month"),
    "edition": ("CCF 版本", "CCF edition"),
    "topics": ("主题", "Topics"),
    "tier": ("CCF 等级", "CCF tier"),
    "tiers": ("CCF 等级", "CCF tiers"),
    "min_tier": ("最低等级", "Minimum tier"),
    "any": ("不限", "Any"),
    "venue": ("会议/期刊", "Venue"),
    "category": ("arXiv 分类", "arXiv category"),
    "status": ("录用状态", "Status"),
    "date_from": ("起始日期", "From"),
    "date_to": ("截止日期", "To"),
    "title": ("标题", "Title"),
    "authors": ("作者", "Authors"),
    "abstract": ("摘要", "Abstract"),
    "published": ("提交日期", "Submitted"),
    "arxiv": ("arXiv", "arXiv"),
    "link": ("链接", "Link"),
    "count": ("数量", "Count"),
    "papers": ("论文数", "Papers"),
    "kind": ("类型", "Kind"),
    "domain": ("领域", "Domain"),
    "full_name": ("全称", "Full name"),
    "publisher": ("出版社", "Publisher"),
    "comment": ("备注 (arXiv comment)", "arXiv comment"),
    "conference": ("会议", "Conference"),
    "journal": ("期刊", "Journal"),
    "status_accepted": ("已录用", "accepted"),
    "status_published": ("已发表", "published"),
    "status_submitted": ("已投稿", "submitted"),
    "status_none": ("未注明", "none"),
    "page_n": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "page": ("页码", "Page"),
    "results": ("共 {n} 篇", "{n} papers"),
    # papers page
    "search": ("搜索标题、摘要、作者", "Search titles, abstracts, authors"),
    "search_help": (
        "所有词都须出现，最后一个词可为前缀。",
        "Every word must occur; the last may be a prefix.",
    ),
    # venue changes page
    "paper_changes": ("本月论文的会议/期刊变化", "Papers whose venue changed this month"),
    "paper_changes_help": (
        "新录用、新发表（出现 journal_ref/DOI）、改投他处，以及本月新提交即已录用的论文。",
        "Newly accepted, newly published (journal_ref/DOI appeared), moved to another venue, "
        "and papers first submitted this month that were already accepted.",
    ),
    "arrivals_capped": (
        "只列出本月新提交即已录用的前 {shown} 篇（CCF 等级高者优先）；"
        "本月新提交且已录用的共 {total} 篇。",
        "Only the first {shown} papers that arrived already accepted are listed (best CCF tier "
        "first); {total} papers first submitted this month are accepted.",
    ),
    "ccf_changes": ("CCF 版本间的变化", "CCF changes between editions"),
    "from_edition": ("旧版本", "From edition"),
    "to_edition": ("新版本", "To edition"),
    "change": ("变化", "Change"),
    "before": ("之前", "Before"),
    "after": ("之后", "After"),
    "date": ("日期", "Date"),
    "detail": ("说明", "Detail"),
    "from_tier": ("原等级", "Old tier"),
    "to_tier": ("新等级", "New tier"),
    "tracked_papers": ("涉及论文", "Tracked papers"),
    "kind_accepted": ("新录用", "newly accepted"),
    "kind_published": ("新发表", "newly published"),
    "kind_moved": ("改投", "moved venue"),
    "kind_arrived": ("新论文·已录用", "new, already accepted"),
    "kind_changed": ("其他变化", "other change"),
    "change_promoted": ("升级", "promoted"),
    "change_demoted": ("降级", "demoted"),
    "change_added": ("新增", "added"),
    "change_removed": ("移除", "removed"),
    "change_renamed": ("更名", "renamed"),
    "change_moved_domain": ("调整领域", "moved domain"),
    "n_changes": ("{n} 项变化", "{n} changes"),
    "no_paper_changes": (
        "本月没有论文的会议/期刊发生变化。变化来自 `tracker ingest` / `tracker recheck` "
        "发现的 comment、journal_ref、DOI 更新。",
        "No paper changed venue this month. Changes come from comment, journal_ref and DOI "
        "updates that `tracker ingest` / `tracker recheck` notice.",
    ),
    # CCF directory
    "browse": ("浏览", "Browse"),
    "search_venue": (
        "按任意名称搜索（缩写、全称、DBLP、别名）",
        "Search any name (abbr, full name, DBLP, alias)",
    ),
    "open_venue": ("查看会议/期刊", "Open a venue"),
    "tier_history": ("各版本等级", "Tier in each edition"),
    "aliases": ("别名", "Also known as"),
    "venue_papers": ("本库中该会议/期刊的论文（{n} 篇）", "Tracked papers at this venue ({n})"),
    "not_in_edition": ("未列入", "not listed"),
    "not_ccf": ("非 CCF 目录", "not in the CCF list"),
    "listings": ("{n} 个条目", "{n} listings"),
    # trends
    "first_month": ("起始月份", "First month"),
    "last_month": ("截止月份", "Last month"),
    "topic_trend": ("各主题每月论文数", "Papers per topic per month"),
    "tier_mix": ("已录用论文的 CCF 等级构成", "CCF tier mix of accepted papers"),
    "top_venues": ("论文最多的会议/期刊", "Top venues"),
    "unranked": ("非 CCF", "not ranked"),
    "total": ("合计", "Total"),
    "no_topics": (
        "还没有主题标签：运行 `tracker topics load` 与 `tracker topics retag`。",
        "No topic tags yet: run `tracker topics load` and `tracker topics retag`.",
    ),
    # ingestion
    "recent_runs": ("最近的采集任务", "Recent runs"),
    "cursors": ("各查询的进度（游标）", "Cursor per query"),
    "next_run": (
        "下次定时采集：{when}（{cron}，{tz}）",
        "Next scheduled run: {when} ({cron}, {tz})",
    ),
    "bad_cron": ("无法解析定时表达式：{cron}", "Cannot read the schedule: {cron}"),
    "stale_tags": (
        "主题标签已过期：seeds/topics.yaml 已修改。运行 `tracker topics load` 与 "
        "`tracker topics retag`。",
        "Topic tags are stale: seeds/topics.yaml changed. Run `tracker topics load` and "
        "`tracker topics retag`.",
    ),
    "tags_current": ("主题标签与 seeds/topics.yaml 一致。", "Topic tags match seeds/topics.yaml."),
    "no_runs": ("还没有采集记录。", "No runs yet."),
    "failed_runs": ("{n} 次失败", "{n} failed"),
    "run_kind": ("任务", "Kind"),
    "run_status": ("结果", "Outcome"),
    "query": ("查询", "Query"),
    "started": ("开始", "Started"),
    "finished": ("结束", "Finished"),
    "fetched": ("获取", "Fetched"),
    "new": ("新增", "New"),
    "updated": ("更新", "Updated"),
    "unchanged": ("未变", "Unchanged"),
    "errors": ("错误", "Errors"),
    "message": ("信息", "Message"),
    "cursor": ("游标", "Cursor"),
    "cursor_updated": ("更新于", "Updated at"),
    # reading list
    "list": ("清单", "List"),
    "period": ("月份 / 周", "Month or week"),
    "weekly": ("按周", "Weekly"),
    "score": ("得分", "Score"),
    "score_breakdown": ("得分构成", "Score breakdown"),
    "pin": ("置顶", "Pin"),
    "unpin": ("取消置顶", "Unpin"),
    "remove": ("移除", "Remove"),
    "pinned": ("已置顶", "pinned"),
    "added_by_hand": ("手动添加", "added by hand"),
    "note": ("推荐语", "Note"),
    "save_note": ("保存推荐语", "Save note"),
    "add_by_id": ("按 arXiv 编号添加", "Add by arXiv id"),
    "add": ("添加", "Add"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_md": ("下载 Markdown", "Download Markdown"),
    "download_bib": ("下载 BibTeX", "Download BibTeX"),
    "empty_list": (
        "这个月份没有符合清单条件的论文。换个月份，或用 `tracker lists build` 生成。",
        "No papers fit this list for the period. Pick another month, or build it with "
        "`tracker lists build`.",
    ),
    "preview": (
        "预览（尚未生成；置顶、移除、推荐语会保存该清单）",
        "Preview (not built yet; pinning, removing or a note saves the list)",
    ),
    "curate": ("整理清单", "Curate"),
    "curate_help": (
        "显示每篇论文的置顶、移除、推荐语，以及按编号添加论文",
        "Show pin, remove and note for each paper, and adding a paper by its id",
    ),
    "saved": ("已保存。", "Saved."),
    "error": ("出错：{msg}", "Error: {msg}"),
}


def translate(key: str, lang: str, **values: Any) -> str:
    """The label ``key`` in ``lang`` (``zh`` or ``en``), formatted with ``values``."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**values) if values else text

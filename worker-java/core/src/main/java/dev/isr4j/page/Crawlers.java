package dev.isr4j.page;

import dev.isr4j.text.Text;

/**
 * Recognises search-engine crawlers and link-preview bots by their {@code User-Agent}, so a SHOW_FALLBACK page
 * renders for them in the foreground instead of answering with its loading placeholder (what Next.js does):
 * a crawler indexes what it gets and runs no script that would replace the placeholder.
 */
public final class Crawlers {
    /**
     * Lower-case fragments, matched as substrings of the lower-cased User-Agent (no regex: TeaVM). Listed in the
     * docs/pages.md; a user agent missing here gets the fallback page, as a browser does.
     */
    static final String[] FRAGMENTS = {
        // search engines ("yandex.com/bots" covers every Yandex robot; "yeti/" is Naver's)
        "googlebot", "google-inspectiontool", "googleother", "storebot-google", "adsbot-google",
        "mediapartners-google", "bingbot", "bingpreview", "msnbot", "duckduckbot", "baiduspider", "yandexbot",
        "yandex.com/bots", "slurp", "applebot", "sogou web spider", "petalbot", "seznambot", "yeti/", "qwantify",
        "ia_archiver",
        // link previews (bot names only: the apps' own in-app browsers are people)
        "facebookexternalhit", "facebookcatalog", "meta-externalagent", "twitterbot", "linkedinbot", "slackbot",
        "discordbot", "telegrambot", "whatsapp/", "pinterestbot", "redditbot", "skypeuripreview", "embedly",
        "vkshare", "quora link preview", "bitlybot",
        // crawlers that feed AI search and training
        "gptbot", "oai-searchbot", "chatgpt-user", "claudebot", "perplexitybot", "ccbot", "amazonbot",
        "bytespider",
        // auditors that judge the rendered page
        "chrome-lighthouse",
    };

    /** Longer User-Agents are judged by their start: real ones are a few hundred characters. */
    private static final int MAX_LENGTH = 1024;

    private Crawlers() {
    }

    /** True when {@code userAgent} names a known crawler or link-preview bot (case-insensitive); null is not one. */
    public static boolean isCrawler(String userAgent) {
        if (userAgent == null || userAgent.isEmpty()) {
            return false;
        }
        String ua = Text.asciiLowerCase(userAgent.length() > MAX_LENGTH ? userAgent.substring(0, MAX_LENGTH) : userAgent)
                ;
        for (String fragment : FRAGMENTS) {
            if (ua.contains(fragment)) {
                return true;
            }
        }
        return false;
    }
}

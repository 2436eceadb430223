/**
 * The parts of the page that stay from view to view, in the page's language: the skip link, the site
 * navigation, the title, and the language switch. A switch keeps the choice for the next visits and
 * loads the page again in the new language, at the same address (the same view, page and mention).
 */
import { h } from "./dom.js";
import { CATALOGUES, chooseLocale, currentLocale, LOCALES, type Locale, t } from "./i18n/index.js";

export function siteHeader(): void {
  document.documentElement.lang = currentLocale();
  document.title = t("site.title");
  const skip = document.getElementById("skip-link");
  if (skip) skip.textContent = t("site.skip");
  const nav = document.getElementById("site-nav");
  if (!nav) return;
  nav.setAttribute("aria-label", t("site.nav"));
  const select = h(
    "select",
    { id: "language-switch" },
    ...LOCALES.map((locale) =>
      // Each language named in itself, so a reader finds theirs whatever the page speaks now.
      h(
        "option",
        { value: locale, lang: locale, selected: locale === currentLocale() },
        CATALOGUES[locale]["language.name"] as string,
      ),
    ),
  );
  select.addEventListener("change", () => {
    chooseLocale(select.value as Locale);
    location.reload();
  });
  nav.replaceChildren(
    h("a", { href: "#/" }, t("site.home")),
    " ",
    h("a", { href: "/docs" }, t("site.api")),
    " ",
    h("span", { class: "language" }, h("label", { for: "language-switch" }, t("site.language")), select),
  );
}

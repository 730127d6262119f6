"""The demo's Privacy Policy and Cookie Policy: sensible defaults for a self-hosted Epitope site.

Text in [square brackets] is for the site operator to replace before going live.
"""

OPERATOR_NOTE = (
    "<p><i>Note for the site operator: replace every part in [square brackets] and check each "
    "statement against how you actually run this site (hosting, e-mail provider, analytics) "
    "before publishing. Raise the version when you make a material change.</i></p>"
)

PRIVACY_BODY = OPERATOR_NOTE + """
<h2>Who is responsible</h2>
<p>This website is run by [operator name], [postal address] (“we”). You can reach us about
privacy at [privacy contact e-mail]. The site runs Epitope, open-source publishing software that
we host ourselves; no one else operates it on our behalf except the hosting provider named below.</p>

<h2>What we collect and why</h2>
<h3>When you read the site</h3>
<p>You can read every page without an account. We do not run analytics or load any third-party
tracking script unless you have agreed to it in the cookie settings. Our web server keeps a log
of requests (the time, the address requested, the response, your browser's user-agent string and
your IP address) so that we can keep the site secure and diagnose faults. We keep these logs for
[14] days, longer only while investigating a specific attack or fault. Legal basis: our legitimate
interest in running a secure, working website.</p>
<h3>Your cookie choices</h3>
<p>When you make a choice in the cookie banner, your browser stores it in the
<b>epitope_consent</b> cookie, and we keep a consent record as proof of what you chose: a
random identifier, the time, the categories you allowed or refused, the versions of this policy
and the Cookie Policy you saw, what you did (for example “reject”), and the family of your browser
(such as “Firefox”). The record contains no IP address and nothing else that identifies you
directly. We keep consent records for [two years] after they are made. Legal basis: our legal
obligation to be able to demonstrate consent.</p>
<h3>Analytics, only with your consent</h3>
<p>If we use an analytics service, it is loaded only after you allow the “analytics” category, and
you can withdraw that at any time through “Cookie settings” at the foot of every page. [Name the
service, what it records, where it is hosted and how long it keeps data, or state that this site
uses no analytics.] Legal basis: your consent.</p>
<h3>The newsletter, if you subscribe</h3>
<p>If we offer a newsletter and you sign up, we store your e-mail address, the topics you chose, and
when you subscribed and confirmed. We use them only to send you the newsletter. Every issue has an
unsubscribe link; when you unsubscribe we delete your address, keeping only a record that the
address was unsubscribed for as long as needed to respect that. Legal basis: your consent.</p>
<h3>Editors and contributors</h3>
<p>People who edit the site have an account holding their name, e-mail address and a hashed
password, and the site keeps a history of their edits. Legal basis: our legitimate interest in
running an accountable publication. If you write to us, we keep the correspondence for as long as
needed to deal with it.</p>

<h2>Who receives data</h2>
<p>We do not sell personal data or use it for advertising. It is processed on our behalf by
[hosting provider], which hosts the site, and, if you subscribe to the newsletter, by [e-mail
delivery provider], which sends it. Some articles embed videos from YouTube (in its
privacy-enhanced mode) or Vimeo; when you view or play such a video, your browser connects to that
service, which receives your IP address and is responsible for what it does with it. [State where
your providers process data, and the safeguards used for any transfer outside your country or the
EEA.]</p>

<h2>Your rights</h2>
<p>You can ask us for a copy of the personal data we hold about you, and ask us to correct it,
delete it, restrict its use or hand it over in a portable format. You can object to processing based
on our legitimate interests and withdraw consent at any time, without affecting what was done
before. Write to [privacy contact e-mail]; we answer within one month. You also have the right to
complain to a data-protection supervisory authority, such as [the authority in your country].</p>

<h2>Changes to this policy</h2>
<p>Each version of this policy carries a version number and the date it took effect. When we change
it in a way that matters, we raise the version, and returning visitors see a short notice once.</p>
"""

COOKIE_BODY = OPERATOR_NOTE + """
<h2>What this policy covers</h2>
<p>Cookies are small pieces of text a website asks your browser to keep. This page lists every cookie
this site can set, and when. Nothing beyond strictly necessary cookies is set until you choose,
and “Reject non-essential” is always as easy as “Accept all”. You can change your mind at any time
with “Cookie settings” at the foot of every page.</p>

<h2>The cookies</h2>
<p>Each entry gives the cookie's name, its category, what it does and how long it lasts.</p>
<ul>
<li><b>epitope_consent</b> (necessary; about six months, then we ask again): remembers the choice
you made in the cookie banner and which policy versions you saw, so we do not ask on every page.
Set only after you make a choice.</li>
<li><b>csrftoken</b> (necessary; one year): protects forms against cross-site request forgery. Set
only for editors who sign in to the site's administration area.</li>
<li><b>sessionid</b> (necessary; two weeks, or until signing out): keeps an editor signed in to the
administration area. Readers never receive it.</li>
<li><b>[Analytics cookies]</b> (analytics; [duration]): set only if we have configured an analytics
service and you accept the analytics category. [List each cookie the service sets, its purpose and
duration, or write “This site uses no analytics cookies.”]</li>
</ul>

<h2>Categories</h2>
<ul>
<li><b>Necessary</b>: needed for the site to work or to remember your privacy choice. They cannot
be switched off, and they are never used to track you.</li>
<li><b>Preferences</b>: would remember settings such as display options. The site sets none at
present; the category exists so that any future feature must ask first.</li>
<li><b>Analytics</b>: help us understand how the site is used. Off unless you switch them on.</li>
</ul>

<h2>Embedded content</h2>
<p>Articles that embed a video load it from YouTube's privacy-enhanced domain
(youtube-nocookie.com) or from Vimeo. Those services may store data in your browser once you play the
video; their own policies apply.</p>

<h2>More</h2>
<p>How we handle personal data in general is explained in our
<a href="/privacy-policy/">Privacy Policy</a>. Questions: [privacy contact e-mail].</p>
"""

POLICIES = [
    {
        "kind": "privacy",
        "slug": "privacy-policy",
        "title": "Privacy Policy",
        "version": "2026-11",
        "effective_date": "2026-11-01",
        "summary": (
            "What this site collects (server logs, consent records without IP addresses, newsletter "
            "addresses if you subscribe), why, for how long, and your rights."
        ),
        "body": PRIVACY_BODY,
    },
    {
        "kind": "cookies",
        "slug": "cookie-policy",
        "title": "Cookie Policy",
        "version": "2026-11",
        "effective_date": "2026-11-01",
        "summary": "Only necessary cookies until you choose; analytics only if you accept.",
        "body": COOKIE_BODY,
    },
]

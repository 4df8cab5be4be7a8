# Baken — English messages (the second language).

## Frame
skip-to-content = Skip to content
language-switch = Language
logout = Sign out
nav-main = Main menu
footer-text = Baken — information position on subversive crime. Every view and change of personal data is recorded in the audit chain.
save = Save
cancel = Cancel
yes = Yes
no = No
copy = Copy
copied = Copied
form-has-errors = The form was not sent. Please correct what is shown below.
pagination = Pagination
pagination-previous = Previous page
pagination-next = Next page

## Navigation
nav-zicht = Insight
nav-matrices = Indicator matrices
nav-signalen = Signals
nav-delen = Sharing
nav-grens = Across the border
nav-gereedheid = Readiness
nav-audit = Audit
nav-beheer = Administration
nav-profiel = My account

## Home
home-title = Home
home-greeting = Welcome, { $name }. You work on behalf of { $org }.
home-intro = Baken puts your information position on subversive crime in order: what is going on, what you could know, which signals you have, how to use and share them lawfully, and how ready your organisation is for a data-driven approach.
home-no-access = No access with your role
coming-badge = Coming soon
capability-zicht-summary = Dashboards on real-estate abuse, drugs, suspicious transactions and sectors, per municipality, region and neighbourhood. Aggregates only, never a person.
capability-zicht-coming = The dashboards arrive in a later version, after the reference data and the import pipeline.
capability-matrices-summary = Per phenomenon the indicators and their data sources, and your own inventory: what you have, what you may use and what is missing.
capability-matrices-coming = The indicator matrices arrive in a later version.
capability-signalen-summary = Signals about addresses, companies and persons go through the steps of the model protocol: recorded weighings, privacy checks, hit/no-hit and a case meeting.
capability-signalen-coming = Registering and weighing signals arrives in a later version.
capability-delen-summary = Covenants, shared cases with the RIEC and partners, hit/no-hit between organisations and signed exchange between installations.
capability-delen-coming = Sharing between organisations arrives in a later version.
capability-grens-summary = The Netherlands–Belgium–Germany glossary, open-source guides per country and request letters in the receiver's language.
capability-grens-coming = The cross-border parts arrive in a later version.
capability-gereedheid-summary = An e-learning and a self-assessment: how ready is your organisation for a data-driven approach to subversive crime?
capability-gereedheid-coming = The e-learning and the self-assessment arrive in a later version.

## Notices after an action
notice-user-created = The user was created.
notice-user-updated = The user was updated.
notice-theme-updated = The theme was saved.
notice-password-changed = Your password was changed.
notice-second-factor-enabled = The second factor is on.
notice-second-factor-disabled = The second factor is off.
notice-token-revoked = The API token was revoked.
notice-signed-out = You are signed out.

## Error pages
error-back-home = Back to the home page
error-400-title = Request cannot be processed
error-400-text = The request is incomplete or unreadable.
error-401-title = Not signed in
error-401-text = Sign in to continue.
error-403-title = No access
error-403-text = Your role does not allow this page or action. The attempt was recorded.
error-csrf-title = Form expired
error-csrf-text = The form could not be verified, for instance because your session expired. Reload the page and try again.
error-404-title = Not found
error-404-text = This page or record does not exist, or you have no access to it.
error-405-title = Method not allowed
error-405-text = This action cannot be done this way.
error-409-title = Already exists
error-409-text = A record with this value already exists.
error-409-field = is already in use
error-413-title = Too large
error-413-text = What you sent is larger than Baken accepts.
error-422-title = Invalid input
error-422-text = Not all fields were filled in correctly.
error-500-title = Something went wrong
error-500-text = Something went wrong on our side. Try again later; if it keeps failing, contact your administrator.

## Signing in
login-title = Sign in
login-intro = Sign in with the e-mail address and password of your Baken account.
login-email = E-mail address
login-password = Password
login-submit = Sign in
login-invalid = The e-mail address or the password is wrong.
login-locked = This account is temporarily locked after too many failed attempts, until { $until } (UTC).
login-throttled = Too many failed attempts from this address. Try again in fifteen minutes.
login-email-required = Enter your e-mail address.
login-password-required = Enter your password.
second-factor-title = Second factor
second-factor-intro = Enter the code your authenticator app shows now.
second-factor-code = Six-digit code
second-factor-code-help = The code changes every 30 seconds.
second-factor-submit = Confirm
second-factor-invalid = This code is wrong or was already used.

## Passwords
password-rules = At least 12 characters. A sentence of a few words works well. Not your name or a common password.
password-too-short = The password must have at least { $min } characters.
password-too-long = The password may have at most { $max } characters.
password-contains-name = The password may not contain the name in your e-mail address.
password-too-common = This password is too common; choose something of your own.
password-too-uniform = Use more different characters.
password-mismatch = The two new passwords differ.
password-current-wrong = The current password is wrong.

## Roles
role-beheerder = Administrator
role-regisseur = Subversive-crime coordinator
role-analist = Analyst
role-team = Subversive-crime team member
role-privacy = Privacy officer
role-bronhouder = Department employee (source owner)
role-partner = Partner
role-lezer = Reader

## Administration
admin-title = Administration
admin-intro = Manage the users of your organisation, their roles and the house style.
admin-users = Users
admin-users-caption = Users of your organisation
admin-new-user = New user
admin-create-user = Create user
admin-theme = House style (NL Design System)
admin-theme-intro = Load your organisation's published NL Design System theme: a CSS file with the design tokens, and the class that activates it.
admin-theme-active = Your own theme is active.
admin-theme-default = Baken's default house style is active.
admin-theme-file = Theme file (CSS)
admin-theme-file-help = For example the theme.css file from your organisation's design-tokens package. At most 512 KiB.
admin-theme-class = Theme class
admin-theme-class-help = The class under which the theme sets its tokens, for example voorbeeld-theme.
admin-theme-save = Save theme
admin-theme-remove = Restore the default house style
user-title = User
user-name = Name
user-email = E-mail address
user-roles = Roles
user-status = Status
user-second-factor = Second factor
user-active = Active (can sign in)
user-initial-password = Initial password
user-status-active = Active
user-status-inactive = Inactive
user-status-locked = Temporarily locked
user-email-invalid = Enter a valid e-mail address, such as name@municipality.nl.
user-email-taken = An account with this e-mail address already exists.
user-name-required = Enter a name (at most 200 characters).
user-roles-required = Choose at least one role.
user-cannot-lock-out-self = You cannot take away your own administrator role or make yourself inactive.

## Audit
audit-title = Audit chain
audit-intro = Every sign-in, every refusal, every change and every view of personal data that concerns your organisation. The chain is secured with a key kept outside the database; later changes can be proven.
audit-filters = Filters
audit-who = Who
audit-action = Action
audit-action-help = Start of the action, for example auth. or org.user
audit-object = Object
audit-object-help = Type, or type:id, for example user:12
audit-outcome = Outcome
audit-outcome-all = All
audit-outcome-ok = Succeeded
audit-outcome-denied = Refused
audit-outcome-failed = Failed
audit-from = From (date)
audit-to = Up to and including (date)
audit-apply = Filter
audit-reset = Clear filters
audit-caption = Audit records
audit-when = When (UTC)
audit-detail = Details
audit-outcome-invalid = Choose a valid outcome.
audit-date-invalid = Enter a date as YYYY-MM-DD.

## My account
profile-title = My account
profile-organisation = Organisation
profile-password = Change password
profile-current-password = Current password
profile-new-password = New password
profile-repeat-password = Repeat new password
profile-change-password = Change password
profile-second-factor = Second factor (TOTP)
profile-second-factor-on = The second factor is on.
profile-second-factor-off = With a second factor, Baken asks for a code from an authenticator app after your password.
profile-second-factor-begin = Set up a second factor
profile-second-factor-scan = Add this key to your authenticator app, then enter the code the app shows.
profile-second-factor-uri = Or use this link:
profile-second-factor-confirm = Turn the second factor on
profile-second-factor-disable = Turn the second factor off
profile-tokens = API tokens
profile-tokens-intro = With an API token a script or integration calls Baken's API with your permissions. Revoke a token as soon as it is no longer needed.
profile-token-once = Copy this token now: it is shown only once.
token-name = Token name
token-created = Created (UTC)
token-last-used = Last used (UTC)
token-actions = Actions
token-revoked = Revoked
token-revoke = Revoke
token-create = Create token
token-name-required = Give the token a name (at most 100 characters).

## Importing
nav-importeren = Import
import-title = Import data
import-intro = Import a table of your organisation's own (CSV or Excel). Baken detects the delimiter, the encoding and decimal commas, shows the first rows and the type of each column, and checks every row before anything is stored: all or nothing. Records are totalled per municipality and year for the dashboards.
import-file = File
import-file-help = CSV (with ; , or tab) or XLSX, at most
import-upload = Upload and preview
import-file-required = Choose a file.
import-file-too-large = The file is too large.
import-jobs = Earlier imports
import-no-jobs = No imports yet.
import-dataset = Dataset
import-dataset-help = Lowercase letters, digits and hyphens, for example real-estate-2024.
import-dataset-invalid = Name the dataset with 2 to 60 lowercase letters, digits and hyphens.
import-when = Uploaded
import-format = Detected format
import-size = Size
import-rows = { $rows } rows
import-rows-about = about { $rows } rows
import-preview = First rows
import-columns = Columns
import-columns-help = Baken inferred the type of each column. Check it and change it where needed.
import-start = Import
import-unreadable = The file cannot be read:
import-not-draft = This import has already started.
import-back = Back to importing
job-title = Import
job-status-draft = To confirm
job-status-queued = Queued
job-status-running = Running
job-status-done = Done
job-status-failed = Failed
job-running = Checked and stored:
job-progress = Progress
job-refresh = Refresh progress
job-stored = { $rows } rows stored in dataset { $dataset }, and { $figures } totalled figures.
job-unchanged = This file was imported into this dataset before; nothing changed.
job-problems = { $total } problem(s) found; nothing was stored.
job-error = The import failed: { $detail }
job-problem-list = Problems
job-row = Row
job-column = Column
job-value = Value
job-reason = Why
column-type-geheel-getal = Whole number
column-type-decimaal = Decimal number
column-type-datum = Date
column-type-ja-nee = Yes/no
column-type-gemeentecode = Municipality code
column-type-tekst = Text

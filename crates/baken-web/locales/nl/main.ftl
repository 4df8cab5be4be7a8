# Baken — Nederlandse teksten (de standaardtaal).

## Raamwerk
skip-to-content = Naar de inhoud
language-switch = Taal
logout = Uitloggen
nav-main = Hoofdmenu
footer-text = Baken — informatiepositie ondermijning. Elke inzage en wijziging van persoonsgegevens wordt vastgelegd in de auditketen.
save = Opslaan
cancel = Annuleren
yes = Ja
no = Nee
copy = Kopiëren
copied = Gekopieerd
form-has-errors = Het formulier is niet verstuurd. Verbeter wat hieronder staat.
pagination = Paginering
pagination-previous = Vorige pagina
pagination-next = Volgende pagina

## Navigatie
nav-zicht = Zicht
nav-matrices = Indicatorenmatrices
nav-signalen = Signalen
nav-delen = Delen
nav-grens = Over de grens
nav-gereedheid = Gereedheid
nav-audit = Audit
nav-beheer = Beheer
nav-profiel = Mijn account

## Start
home-title = Start
home-greeting = Welkom, { $name }. U werkt namens { $org }.
home-intro = Baken brengt uw informatiepositie op ondermijning op orde: wat er speelt, wat u zou kunnen weten, welke signalen u heeft, hoe u die rechtmatig gebruikt en deelt, en hoe klaar uw organisatie is voor een datagedreven aanpak.
home-no-access = Geen toegang met uw rol
coming-badge = Binnenkort
capability-zicht-summary = Dashboards over misbruik van vastgoed, drugs, verdachte transacties en branches, per gemeente, regio en wijk. Alleen geaggregeerde cijfers, nooit een persoon.
capability-zicht-coming = De dashboards komen in een volgende versie; de referentiedata en het importeren gaan eraan vooraf.
capability-matrices-summary = Per fenomeen de indicatoren en hun vindplaatsen, en uw eigen inventarisatie: wat u heeft, wat u mag gebruiken en wat ontbreekt.
capability-matrices-coming = De indicatorenmatrices komen in een volgende versie.
capability-signalen-summary = Signalen over adressen, bedrijven en personen doorlopen het stappenplan van het modelprotocol: vastgelegde afwegingen, privacytoetsen, hit/no-hit en een casusoverleg.
capability-signalen-coming = Het registreren en afwegen van signalen komt in een volgende versie.
capability-delen-summary = Convenanten, gedeelde casussen met het RIEC en partners, hit/no-hit tussen organisaties en ondertekende uitwisseling tussen installaties.
capability-delen-coming = Delen tussen organisaties komt in een volgende versie.
capability-grens-summary = De begrippenlijst Nederland–België–Duitsland, handleidingen voor open bronnen per land en verzoekbrieven in de taal van de ontvanger.
capability-grens-coming = De grensoverschrijdende onderdelen komen in een volgende versie.
capability-gereedheid-summary = Een e-learning en een zelfscan: hoe klaar is uw organisatie voor een datagedreven aanpak van ondermijning?
capability-gereedheid-coming = De e-learning en de zelfscan komen in een volgende versie.

## Meldingen na een actie
notice-user-created = De gebruiker is aangemaakt.
notice-user-updated = De gebruiker is bijgewerkt.
notice-theme-updated = Het thema is opgeslagen.
notice-password-changed = Uw wachtwoord is gewijzigd.
notice-second-factor-enabled = De tweede factor staat aan.
notice-second-factor-disabled = De tweede factor staat uit.
notice-token-revoked = Het API-token is ingetrokken.
notice-signed-out = U bent uitgelogd.

## Foutpagina's
error-back-home = Terug naar de startpagina
error-400-title = Verzoek niet te verwerken
error-400-text = Het verzoek is onvolledig of onleesbaar.
error-401-title = Niet ingelogd
error-401-text = Log in om verder te gaan.
error-403-title = Geen toegang
error-403-text = Uw rol geeft geen recht op deze pagina of actie. De poging is vastgelegd.
error-csrf-title = Formulier verlopen
error-csrf-text = Het formulier kon niet worden gecontroleerd, bijvoorbeeld omdat uw sessie is verlopen. Laad de pagina opnieuw en probeer het nog eens.
error-404-title = Niet gevonden
error-404-text = Deze pagina of dit gegeven bestaat niet, of u heeft er geen toegang toe.
error-405-title = Methode niet toegestaan
error-405-text = Deze actie kan niet op deze manier worden uitgevoerd.
error-409-title = Bestaat al
error-409-text = Er bestaat al een gegeven met deze waarde.
error-409-field = is al in gebruik
error-413-title = Te groot
error-413-text = Wat u verstuurde is groter dan Baken aanneemt.
error-422-title = Ongeldige invoer
error-422-text = Niet alle velden zijn goed ingevuld.
error-500-title = Er ging iets mis
error-500-text = Er ging aan onze kant iets mis. Probeer het later opnieuw; blijft het misgaan, neem dan contact op met uw beheerder.

## Inloggen
login-title = Inloggen
login-intro = Log in met het e-mailadres en wachtwoord van uw account bij Baken.
login-email = E-mailadres
login-password = Wachtwoord
login-submit = Inloggen
login-invalid = Het e-mailadres of het wachtwoord klopt niet.
login-locked = Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen, tot { $until } (UTC).
login-throttled = Te veel mislukte pogingen vanaf dit adres. Probeer het over een kwartier opnieuw.
login-email-required = Vul uw e-mailadres in.
login-password-required = Vul uw wachtwoord in.
second-factor-title = Tweede factor
second-factor-intro = Vul de code in die uw authenticator-app nu toont.
second-factor-code = Code van zes cijfers
second-factor-code-help = De code verandert elke 30 seconden.
second-factor-submit = Bevestigen
second-factor-invalid = Deze code klopt niet of is al gebruikt.

## Wachtwoorden
password-rules = Minstens 12 tekens. Een zin van een paar woorden werkt goed. Niet uw naam of een veelgebruikt wachtwoord.
password-too-short = Het wachtwoord moet minstens { $min } tekens hebben.
password-too-long = Het wachtwoord mag hoogstens { $max } tekens hebben.
password-contains-name = Het wachtwoord mag uw naam uit het e-mailadres niet bevatten.
password-too-common = Dit wachtwoord wordt te vaak gebruikt; kies iets eigens.
password-too-uniform = Gebruik meer verschillende tekens.
password-mismatch = De twee nieuwe wachtwoorden zijn niet gelijk.
password-current-wrong = Het huidige wachtwoord klopt niet.

## Rollen
role-beheerder = Beheerder
role-regisseur = Regisseur ondermijning
role-analist = Analist
role-team = Lid ondermijningsteam
role-privacy = Privacyfunctionaris
role-bronhouder = Medewerker vakafdeling (bronhouder)
role-partner = Partner
role-lezer = Lezer

## Beheer
admin-title = Beheer
admin-intro = Beheer de gebruikers van uw organisatie, hun rollen en de huisstijl.
admin-users = Gebruikers
admin-users-caption = Gebruikers van uw organisatie
admin-new-user = Nieuwe gebruiker
admin-create-user = Gebruiker aanmaken
admin-theme = Huisstijl (NL Design System)
admin-theme-intro = Laad het gepubliceerde NL Design System-thema van uw organisatie: een CSS-bestand met de design tokens, en de klasse die het thema activeert.
admin-theme-active = Uw eigen thema is actief.
admin-theme-default = De standaardhuisstijl van Baken is actief.
admin-theme-file = Themabestand (CSS)
admin-theme-file-help = Bijvoorbeeld het bestand theme.css uit het design-tokens-pakket van uw organisatie. Hoogstens 512 KiB.
admin-theme-class = Themaklasse
admin-theme-class-help = De klasse waaronder het thema zijn tokens zet, bijvoorbeeld voorbeeld-theme.
admin-theme-save = Thema opslaan
admin-theme-remove = Standaardhuisstijl terugzetten
user-title = Gebruiker
user-name = Naam
user-email = E-mailadres
user-roles = Rollen
user-status = Status
user-second-factor = Tweede factor
user-active = Actief (kan inloggen)
user-initial-password = Eerste wachtwoord
user-status-active = Actief
user-status-inactive = Inactief
user-status-locked = Tijdelijk geblokkeerd
user-email-invalid = Vul een geldig e-mailadres in, zoals naam@gemeente.nl.
user-email-taken = Er bestaat al een account met dit e-mailadres.
user-name-required = Vul een naam in (hoogstens 200 tekens).
user-roles-required = Kies minstens één rol.
user-cannot-lock-out-self = U kunt uw eigen beheerdersrol niet afnemen en uzelf niet op inactief zetten.

## Audit
audit-title = Auditketen
audit-intro = Elke inlog, elke weigering, elke wijziging en elke inzage van persoonsgegevens die uw organisatie raakt. De keten is met een sleutel buiten de database beveiligd; wijzigingen achteraf zijn aantoonbaar.
audit-filters = Filters
audit-who = Wie
audit-action = Actie
audit-action-help = Begin van de actie, bijvoorbeeld auth. of org.user
audit-object = Object
audit-object-help = Soort, of soort:id, bijvoorbeeld user:12
audit-outcome = Uitkomst
audit-outcome-all = Alle
audit-outcome-ok = Gelukt
audit-outcome-denied = Geweigerd
audit-outcome-failed = Mislukt
audit-from = Vanaf (datum)
audit-to = Tot en met (datum)
audit-apply = Filteren
audit-reset = Filters wissen
audit-caption = Auditregels
audit-when = Wanneer (UTC)
audit-detail = Details
audit-outcome-invalid = Kies een geldige uitkomst.
audit-date-invalid = Vul een datum in als JJJJ-MM-DD.

## Mijn account
profile-title = Mijn account
profile-organisation = Organisatie
profile-password = Wachtwoord wijzigen
profile-current-password = Huidig wachtwoord
profile-new-password = Nieuw wachtwoord
profile-repeat-password = Nieuw wachtwoord herhalen
profile-change-password = Wachtwoord wijzigen
profile-second-factor = Tweede factor (TOTP)
profile-second-factor-on = De tweede factor staat aan.
profile-second-factor-off = Met een tweede factor vraagt Baken na uw wachtwoord om een code uit een authenticator-app.
profile-second-factor-begin = Tweede factor instellen
profile-second-factor-scan = Voeg deze sleutel toe aan uw authenticator-app en vul daarna de code in die de app toont.
profile-second-factor-uri = Of gebruik deze koppeling:
profile-second-factor-confirm = Tweede factor aanzetten
profile-second-factor-disable = Tweede factor uitzetten
profile-tokens = API-tokens
profile-tokens-intro = Met een API-token roept een script of koppeling de API van Baken aan met uw rechten. Trek een token in zodra het niet meer nodig is.
profile-token-once = Kopieer dit token nu: het wordt maar één keer getoond.
token-name = Naam van het token
token-created = Aangemaakt (UTC)
token-last-used = Laatst gebruikt (UTC)
token-actions = Acties
token-revoked = Ingetrokken
token-revoke = Intrekken
token-create = Token aanmaken
token-name-required = Geef het token een naam (hoogstens 100 tekens).

## Importeren
nav-importeren = Importeren
import-title = Gegevens importeren
import-intro = Importeer een eigen tabel van uw organisatie (CSV of Excel). Baken herkent het scheidingsteken, de tekenset en decimale komma's, toont de eerste rijen en het type van elke kolom, en controleert elke rij voordat er iets wordt opgeslagen: alles of niets. Records worden per gemeente en jaar samengeteld voor de dashboards.
import-file = Bestand
import-file-help = CSV (met ; , of tab) of XLSX, hoogstens
import-upload = Uploaden en bekijken
import-file-required = Kies een bestand.
import-file-too-large = Het bestand is te groot.
import-jobs = Eerdere imports
import-no-jobs = Nog geen imports.
import-dataset = Dataset
import-dataset-help = Kleine letters, cijfers en streepjes, bijvoorbeeld vastgoed-2024.
import-dataset-invalid = Geef de dataset een naam van 2 tot 60 kleine letters, cijfers en streepjes.
import-when = Geüpload
import-format = Herkend formaat
import-size = Omvang
import-rows = { $rows } rijen
import-rows-about = ongeveer { $rows } rijen
import-preview = Eerste rijen
import-columns = Kolommen
import-columns-help = Baken heeft het type van elke kolom afgeleid. Controleer het en pas het aan waar nodig.
import-start = Importeren
import-unreadable = Het bestand is niet te lezen:
import-not-draft = Deze import is al gestart.
import-back = Terug naar importeren
job-title = Import
job-status-draft = Te bevestigen
job-status-queued = In de wachtrij
job-status-running = Bezig
job-status-done = Klaar
job-status-failed = Niet gelukt
job-running = Gecontroleerd en opgeslagen:
job-progress = Voortgang
job-refresh = Voortgang bijwerken
job-stored = { $rows } rijen opgeslagen in dataset { $dataset }, en { $figures } samengetelde cijfers.
job-unchanged = Dit bestand was al geïmporteerd in deze dataset; er is niets veranderd.
job-problems = { $total } probleem/problemen gevonden; er is niets opgeslagen.
job-error = De import is mislukt: { $detail }
job-problem-list = Problemen
job-row = Rij
job-column = Kolom
job-value = Waarde
job-reason = Waarom
column-type-geheel-getal = Geheel getal
column-type-decimaal = Decimaal getal
column-type-datum = Datum
column-type-ja-nee = Ja/nee
column-type-gemeentecode = Gemeentecode
column-type-tekst = Tekst

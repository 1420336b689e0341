import { ApiError } from './api';

/**
 * The donation form's and the sign form's words, in every language it ships in (English, French, Persian). A
 * string is a key of the English catalogue; the others must have every key (the type says
 * so). `{name}` placeholders are filled by `t`. Persian is written right to left: `dirOf`.
 * Amounts and numbers are formatted by Intl for the language (see formatMoney's locale).
 */

export const LANGUAGES = ['en', 'fr', 'fa'] as const;
export type Lang = (typeof LANGUAGES)[number];

const en = {
  pageTitle: 'Donate: {campaign}',
  loading: 'Loading the donation form…',
  notFound: 'Campaign not found',
  notFoundBody: 'There is no campaign at this address. Please check the link you followed.',
  notAccepting: 'This campaign is not taking gifts right now.',
  loadFailed: 'The donation form could not be loaded. Check your connection and try again.',
  retry: 'Try again',
  frequency: 'How often',
  once: 'One-off',
  month: 'Monthly',
  year: 'Yearly',
  amount: 'Amount',
  currency: 'Currency',
  other: 'Other',
  otherAmount: 'Other amount ({currency})',
  perMonth: '{amount} a month',
  perYear: '{amount} a year',
  coverFees: 'Add {extra} to cover the payment fees',
  coverFeesHint: 'So the campaign receives the full {amount}.',
  feesNotCovered: 'The campaign receives {amount} less the payment fees.',
  coverFeesWaiting: 'Add the payment fees (working them out…)',
  coverFeesPlain: 'Add the payment fees',
  charged: 'You pay {charge}.',
  aboutYou: 'Your details',
  email: 'Email',
  emailHint: 'For your receipt. Never shown publicly.',
  privacy: 'Privacy',
  privateNote: 'Your gift is private: the campaign shows it as “Anonymous”.',
  showPublicly: 'Show my gift publicly under a name',
  displayName: 'Public name',
  displayNameHint: 'For example “J.” or “A friend”.',
  message: 'Public message (optional)',
  tribute: 'Dedicate this gift to someone',
  tributeKind: 'Dedication',
  inHonorOf: 'In honour of',
  inMemoryOf: 'In memory of',
  tributeName: 'Their name',
  receiptDetails: 'Put my name and address on my receipt',
  receiptHint: 'Only for your receipt (for a tax office, say). Never shown publicly.',
  name: 'Full name',
  line1: 'Street address',
  line2: 'Address line 2 (optional)',
  city: 'City',
  postalCode: 'Postal code',
  country: 'Country code',
  countryHint: 'Two letters, for example FR or GB.',
  continue: 'Continue to payment',
  preparing: 'Preparing your payment…',
  payment: 'Payment',
  youGive: 'Your gift: {amount}',
  youGiveMonthly: 'Your gift: {amount} a month',
  youGiveYearly: 'Your gift: {amount} a year',
  fees: 'Fees covered: {extra}',
  total: 'Total charged: {charge}',
  back: 'Back',
  pay: 'Pay {charge}',
  paying: 'Paying…',
  simulatedTitle: 'Simulated card (test mode: no real card is charged)',
  simulatedHint:
    'Use 4242 4242 4242 4242 for a card that works, 4000 0000 0000 0002 for one that is declined.',
  cardNumber: 'Card number',
  expiry: 'Expiry (MM/YY)',
  cvc: 'Security code (CVC)',
  declined: 'Your card was declined. Please check the details or try another card.',
  cardUnavailable: 'Card payments are not available on this site right now. Please contact us.',
  stripeFailed: 'The card form could not be loaded. Check your connection and try again.',
  thanks: 'Thank you!',
  confirming: 'We are confirming your payment…',
  counted: 'Your gift has been received and counted.',
  pledgeCounted: 'Your recurring gift has started: its first payment is received and counted.',
  receiptNumber: 'Receipt number:',
  receiptByEmail: 'Your receipt will be emailed to you.',
  slow: 'Your payment is still being confirmed. There is nothing more to do: we will email your receipt.',
  notPaid: 'The payment did not go through. No money was taken.',
  progress: '{campaign}: progress toward the goal',
  raisedOf: '{raised} raised of {goal}',
  nextGoal: 'Goal reached — next goal {goal}',
  allGoals: 'Every goal reached, the last stretch goal included',
  errAmount: 'Enter an amount, such as {example}.',
  errAmountMin: 'The smallest gift is {min}.',
  errAmountMax: 'The largest gift is {max}.',
  errEmail: 'Enter a valid email address, such as name@example.org.',
  errRequired: 'Please fill this in.',
  errCountry: 'Use a two-letter country code, such as FR.',
  errForm: 'Please correct the fields marked in red.',
  errTooMany: 'Too many attempts: please wait a few minutes and try again.',
  errUnreachable: 'We could not reach the service. Check your connection and try again.',
  errGeneric: 'Something went wrong. Please try again.',
  // The sign form (/act/<campaign>/<action>) and its confirmation page (/act/confirm).
  actPageTitle: 'Sign: {action}',
  actLoading: 'Loading the letter…',
  actNotFound: 'Letter not found',
  actNotFoundBody:
    'There is no letter to sign at this address. Please check the link you followed.',
  actLoadFailed: 'The letter could not be loaded. Check your connection and try again.',
  actClosed:
    'This letter is closed: it no longer takes signatures. Thank you to everyone who signed.',
  actTo: 'To: {target}',
  actLetter: 'The letter',
  actSubject: 'Subject: {subject}',
  actSignatures: 'Signatures: {count} of {goal}',
  actProgress: '{action}: signatures toward the goal',
  actRecent: 'Recent signers',
  actMoreSigners: 'Show more signers',
  actSignTitle: 'Add your name',
  actName: 'Full name',
  actEmail: 'Email',
  actEmailHint: 'To confirm your signature. Never shown publicly, never sent to {target}.',
  actCountry: 'Country',
  actChooseCountry: 'Choose your country',
  actComment: 'Comment (optional)',
  actCommentCount: '{used} of {max} characters',
  actSentWith:
    'Your name, country and comment go to {target} with the letter. Your email never does.',
  actPrivacy: 'On this page',
  actPrivateNote: 'Your signature is counted, but your name is not shown on this page.',
  actShowName: 'Show my name on this page',
  actDisplayName: 'Name to show (optional)',
  actDisplayNameHint: 'For example “Maryam R.”. Left empty, your full name is shown.',
  actSubmit: 'Sign the letter',
  actSending: 'Sending…',
  actCheckEmail: 'Check your email',
  actCheckEmailBody:
    'If {email} is right, a confirmation link is on its way. Your signature counts once you open it and confirm. The link works for 48 hours.',
  actSpam: 'Nothing after a few minutes? Look in your spam folder.',
  actErrCountry: 'Choose your country.',
  actNotActive: 'This letter is not taking signatures right now.',
  confirmPageTitle: 'Confirm your signature',
  confirmIntro: 'You followed the link from our email. Press the button to add your signature.',
  confirmButton: 'Confirm my signature',
  confirmBusy: 'Confirming…',
  confirmDone: 'Thank you: your signature counts',
  confirmSigned: 'You signed “{action}”.',
  confirmCount: 'Signatures so far: {count}',
  confirmManage: 'You can withdraw it at any time from your supporter page:',
  confirmManageLink: 'sign in with your email',
  confirmBack: 'Back to the letter',
  confirmInvalid:
    'This link no longer works: it was already used, or it expired (links work for 48 hours). If you have not confirmed yet, sign the letter again for a new link.',
  confirmMissing: 'This link is incomplete. Please open the whole link from the email.',
};

export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, string> = {
  pageTitle: 'Faire un don : {campaign}',
  loading: 'Chargement du formulaire de don…',
  notFound: 'Campagne introuvable',
  notFoundBody: 'Aucune campagne à cette adresse. Vérifiez le lien que vous avez suivi.',
  notAccepting: 'Cette campagne ne reçoit pas de dons en ce moment.',
  loadFailed: 'Le formulaire de don n’a pas pu être chargé. Vérifiez votre connexion et réessayez.',
  retry: 'Réessayer',
  frequency: 'Fréquence',
  once: 'Une fois',
  month: 'Chaque mois',
  year: 'Chaque année',
  amount: 'Montant',
  currency: 'Devise',
  other: 'Autre',
  otherAmount: 'Autre montant ({currency})',
  perMonth: '{amount} par mois',
  perYear: '{amount} par an',
  coverFees: 'Ajouter {extra} pour couvrir les frais de paiement',
  coverFeesHint: 'Pour que la campagne reçoive {amount} en entier.',
  feesNotCovered: 'La campagne reçoit {amount}, moins les frais de paiement.',
  coverFeesWaiting: 'Ajouter les frais de paiement (calcul en cours…)',
  coverFeesPlain: 'Ajouter les frais de paiement',
  charged: 'Vous payez {charge}.',
  aboutYou: 'Vos coordonnées',
  email: 'E-mail',
  emailHint: 'Pour votre reçu. Jamais affiché publiquement.',
  privacy: 'Confidentialité',
  privateNote: 'Votre don est privé : la campagne l’affiche comme « Anonyme ».',
  showPublicly: 'Afficher mon don publiquement sous un nom',
  displayName: 'Nom affiché',
  displayNameHint: 'Par exemple « J. » ou « Un ami ».',
  message: 'Message public (facultatif)',
  tribute: 'Dédier ce don à quelqu’un',
  tributeKind: 'Dédicace',
  inHonorOf: 'En l’honneur de',
  inMemoryOf: 'À la mémoire de',
  tributeName: 'Son nom',
  receiptDetails: 'Mettre mon nom et mon adresse sur mon reçu',
  receiptHint: 'Seulement pour votre reçu (pour les impôts, par exemple). Jamais affichés.',
  name: 'Nom complet',
  line1: 'Adresse',
  line2: 'Complément d’adresse (facultatif)',
  city: 'Ville',
  postalCode: 'Code postal',
  country: 'Code pays',
  countryHint: 'Deux lettres, par exemple FR ou BE.',
  continue: 'Continuer vers le paiement',
  preparing: 'Préparation du paiement…',
  payment: 'Paiement',
  youGive: 'Votre don : {amount}',
  youGiveMonthly: 'Votre don : {amount} par mois',
  youGiveYearly: 'Votre don : {amount} par an',
  fees: 'Frais couverts : {extra}',
  total: 'Total débité : {charge}',
  back: 'Retour',
  pay: 'Payer {charge}',
  paying: 'Paiement…',
  simulatedTitle: 'Carte simulée (mode test : aucune vraie carte n’est débitée)',
  simulatedHint:
    'Utilisez 4242 4242 4242 4242 pour une carte acceptée, 4000 0000 0000 0002 pour une carte refusée.',
  cardNumber: 'Numéro de carte',
  expiry: 'Expiration (MM/AA)',
  cvc: 'Cryptogramme (CVC)',
  declined: 'Votre carte a été refusée. Vérifiez les informations ou essayez une autre carte.',
  cardUnavailable:
    'Le paiement par carte n’est pas disponible sur ce site pour le moment. Contactez-nous.',
  stripeFailed:
    'Le formulaire de carte n’a pas pu être chargé. Vérifiez votre connexion et réessayez.',
  thanks: 'Merci !',
  confirming: 'Nous confirmons votre paiement…',
  counted: 'Votre don a été reçu et comptabilisé.',
  pledgeCounted: 'Votre don régulier a commencé : son premier paiement est reçu et comptabilisé.',
  receiptNumber: 'Numéro de reçu :',
  receiptByEmail: 'Votre reçu vous sera envoyé par e-mail.',
  slow: 'Votre paiement est encore en cours de confirmation. Vous n’avez rien d’autre à faire : nous vous enverrons votre reçu par e-mail.',
  notPaid: 'Le paiement n’a pas abouti. Aucun montant n’a été débité.',
  progress: '{campaign} : progression vers l’objectif',
  raisedOf: '{raised} collectés sur {goal}',
  nextGoal: 'Objectif atteint — prochain objectif : {goal}',
  allGoals: 'Tous les objectifs sont atteints, y compris le dernier palier',
  errAmount: 'Saisissez un montant, par exemple {example}.',
  errAmountMin: 'Le don minimum est de {min}.',
  errAmountMax: 'Le don maximum est de {max}.',
  errEmail: 'Saisissez une adresse e-mail valide, par exemple nom@exemple.org.',
  errRequired: 'Veuillez remplir ce champ.',
  errCountry: 'Utilisez un code pays à deux lettres, par exemple FR.',
  errForm: 'Veuillez corriger les champs signalés en rouge.',
  errTooMany: 'Trop de tentatives : patientez quelques minutes puis réessayez.',
  errUnreachable: 'Le service est injoignable. Vérifiez votre connexion et réessayez.',
  errGeneric: 'Une erreur est survenue. Veuillez réessayer.',
  actPageTitle: 'Signer : {action}',
  actLoading: 'Chargement de la lettre…',
  actNotFound: 'Lettre introuvable',
  actNotFoundBody: 'Aucune lettre à signer à cette adresse. Vérifiez le lien que vous avez suivi.',
  actLoadFailed: 'La lettre n’a pas pu être chargée. Vérifiez votre connexion et réessayez.',
  actClosed:
    'Cette lettre est close : elle ne reçoit plus de signatures. Merci à toutes celles et ceux qui l’ont signée.',
  actTo: 'À : {target}',
  actLetter: 'La lettre',
  actSubject: 'Objet : {subject}',
  actSignatures: 'Signatures : {count} sur {goal}',
  actProgress: '{action} : signatures vers l’objectif',
  actRecent: 'Derniers signataires',
  actMoreSigners: 'Afficher plus de signataires',
  actSignTitle: 'Ajoutez votre nom',
  actName: 'Nom complet',
  actEmail: 'E-mail',
  actEmailHint: 'Pour confirmer votre signature. Jamais affiché, jamais envoyé à {target}.',
  actCountry: 'Pays',
  actChooseCountry: 'Choisissez votre pays',
  actComment: 'Commentaire (facultatif)',
  actCommentCount: '{used} sur {max} caractères',
  actSentWith:
    'Votre nom, votre pays et votre commentaire sont envoyés à {target} avec la lettre. Votre e-mail, jamais.',
  actPrivacy: 'Sur cette page',
  actPrivateNote: 'Votre signature est comptée, mais votre nom n’est pas affiché sur cette page.',
  actShowName: 'Afficher mon nom sur cette page',
  actDisplayName: 'Nom à afficher (facultatif)',
  actDisplayNameHint: 'Par exemple « Maryam R. ». Laissé vide, votre nom complet est affiché.',
  actSubmit: 'Signer la lettre',
  actSending: 'Envoi…',
  actCheckEmail: 'Consultez vos e-mails',
  actCheckEmailBody:
    'Si l’adresse {email} est juste, un lien de confirmation est en route. Votre signature compte dès que vous l’ouvrez et confirmez. Le lien est valable 48 heures.',
  actSpam: 'Rien après quelques minutes ? Regardez dans vos indésirables.',
  actErrCountry: 'Choisissez votre pays.',
  actNotActive: 'Cette lettre ne reçoit pas de signatures en ce moment.',
  confirmPageTitle: 'Confirmez votre signature',
  confirmIntro:
    'Vous avez suivi le lien de notre e-mail. Appuyez sur le bouton pour ajouter votre signature.',
  confirmButton: 'Confirmer ma signature',
  confirmBusy: 'Confirmation…',
  confirmDone: 'Merci : votre signature compte',
  confirmSigned: 'Vous avez signé « {action} ».',
  confirmCount: 'Signatures à ce jour : {count}',
  confirmManage: 'Vous pouvez la retirer à tout moment depuis votre espace :',
  confirmManageLink: 'connectez-vous avec votre e-mail',
  confirmBack: 'Retour à la lettre',
  confirmInvalid:
    'Ce lien ne fonctionne plus : il a déjà servi, ou il a expiré (les liens sont valables 48 heures). Si vous n’avez pas encore confirmé, signez à nouveau la lettre pour recevoir un nouveau lien.',
  confirmMissing: 'Ce lien est incomplet. Ouvrez le lien entier reçu par e-mail.',
};

const fa: Record<MessageKey, string> = {
  pageTitle: 'کمک مالی: {campaign}',
  loading: 'در حال بارگذاری فرم کمک مالی…',
  notFound: 'کارزار پیدا نشد',
  notFoundBody: 'در این نشانی کارزاری وجود ندارد. لطفاً پیوندی را که دنبال کردید بررسی کنید.',
  notAccepting: 'این کارزار در حال حاضر کمک مالی نمی‌پذیرد.',
  loadFailed: 'فرم کمک مالی بارگذاری نشد. اتصال خود را بررسی کنید و دوباره تلاش کنید.',
  retry: 'تلاش دوباره',
  frequency: 'دفعات پرداخت',
  once: 'یک‌بار',
  month: 'ماهانه',
  year: 'سالانه',
  amount: 'مبلغ',
  currency: 'واحد پول',
  other: 'مبلغ دیگر',
  otherAmount: 'مبلغ دیگر ({currency})',
  perMonth: '{amount} در ماه',
  perYear: '{amount} در سال',
  coverFees: 'افزودن {extra} برای پوشش هزینه‌های پرداخت',
  coverFeesHint: 'تا کل {amount} به کارزار برسد.',
  feesNotCovered: 'کارزار {amount} را پس از کسر هزینه‌های پرداخت دریافت می‌کند.',
  coverFeesWaiting: 'افزودن هزینه‌های پرداخت (در حال محاسبه…)',
  coverFeesPlain: 'افزودن هزینه‌های پرداخت',
  charged: 'مبلغ پرداختی شما: {charge}.',
  aboutYou: 'مشخصات شما',
  email: 'ایمیل',
  emailHint: 'برای رسید شما. هرگز به‌طور عمومی نمایش داده نمی‌شود.',
  privacy: 'حریم خصوصی',
  privateNote: 'کمک شما خصوصی است: کارزار آن را «ناشناس» نشان می‌دهد.',
  showPublicly: 'کمک من با یک نام به‌طور عمومی نمایش داده شود',
  displayName: 'نام عمومی',
  displayNameHint: 'برای نمونه «ج.» یا «یک دوست».',
  message: 'پیام عمومی (اختیاری)',
  tribute: 'تقدیم این کمک به کسی',
  tributeKind: 'نوع تقدیم',
  inHonorOf: 'به افتخار',
  inMemoryOf: 'به یاد',
  tributeName: 'نام او',
  receiptDetails: 'نام و نشانی من روی رسید نوشته شود',
  receiptHint: 'فقط برای رسید شما (برای نمونه برای اداره مالیات). هرگز نمایش داده نمی‌شود.',
  name: 'نام کامل',
  line1: 'نشانی',
  line2: 'ادامه نشانی (اختیاری)',
  city: 'شهر',
  postalCode: 'کد پستی',
  country: 'کد کشور',
  countryHint: 'دو حرف لاتین، برای نمونه FR یا DE.',
  continue: 'ادامه و پرداخت',
  preparing: 'در حال آماده‌سازی پرداخت…',
  payment: 'پرداخت',
  youGive: 'کمک شما: {amount}',
  youGiveMonthly: 'کمک شما: {amount} در ماه',
  youGiveYearly: 'کمک شما: {amount} در سال',
  fees: 'هزینه‌های پوشش‌داده‌شده: {extra}',
  total: 'مبلغ کل پرداختی: {charge}',
  back: 'بازگشت',
  pay: 'پرداخت {charge}',
  paying: 'در حال پرداخت…',
  simulatedTitle: 'کارت شبیه‌سازی‌شده (حالت آزمایشی: از هیچ کارت واقعی برداشت نمی‌شود)',
  simulatedHint:
    'برای کارت پذیرفته‌شده از 4242 4242 4242 4242 و برای کارت ردشده از 4000 0000 0000 0002 استفاده کنید.',
  cardNumber: 'شماره کارت',
  expiry: 'تاریخ انقضا (MM/YY)',
  cvc: 'کد امنیتی (CVC)',
  declined: 'کارت شما پذیرفته نشد. مشخصات را بررسی کنید یا کارت دیگری را امتحان کنید.',
  cardUnavailable: 'پرداخت با کارت در حال حاضر در این سایت ممکن نیست. لطفاً با ما تماس بگیرید.',
  stripeFailed: 'فرم کارت بارگذاری نشد. اتصال خود را بررسی کنید و دوباره تلاش کنید.',
  thanks: 'سپاسگزاریم!',
  confirming: 'در حال تأیید پرداخت شما…',
  counted: 'کمک شما دریافت و شمرده شد.',
  pledgeCounted: 'کمک دوره‌ای شما آغاز شد: نخستین پرداخت آن دریافت و شمرده شد.',
  receiptNumber: 'شماره رسید:',
  receiptByEmail: 'رسید شما با ایمیل فرستاده می‌شود.',
  slow: 'پرداخت شما هنوز در حال تأیید است. کار دیگری لازم نیست: رسید شما را با ایمیل می‌فرستیم.',
  notPaid: 'پرداخت انجام نشد. هیچ مبلغی برداشت نشد.',
  progress: '{campaign}: پیشرفت به سوی هدف',
  raisedOf: '{raised} گردآوری‌شده از {goal}',
  nextGoal: 'هدف محقق شد — هدف بعدی: {goal}',
  allGoals: 'همهٔ هدف‌ها، از جمله آخرین هدف افزوده، محقق شد',
  errAmount: 'یک مبلغ وارد کنید، برای نمونه {example}.',
  errAmountMin: 'کمترین مبلغ کمک {min} است.',
  errAmountMax: 'بیشترین مبلغ کمک {max} است.',
  errEmail: 'یک نشانی ایمیل درست وارد کنید، برای نمونه name@example.org.',
  errRequired: 'لطفاً این بخش را پر کنید.',
  errCountry: 'یک کد کشور دوحرفی به کار ببرید، برای نمونه FR.',
  errForm: 'لطفاً بخش‌هایی را که با رنگ قرمز مشخص شده‌اند درست کنید.',
  errTooMany: 'تلاش‌ها بیش از اندازه بود: چند دقیقه صبر کنید و دوباره تلاش کنید.',
  errUnreachable: 'دسترسی به سرویس ممکن نشد. اتصال خود را بررسی کنید و دوباره تلاش کنید.',
  errGeneric: 'مشکلی پیش آمد. لطفاً دوباره تلاش کنید.',
  actPageTitle: 'امضا: {action}',
  actLoading: 'در حال بارگذاری نامه…',
  actNotFound: 'نامه پیدا نشد',
  actNotFoundBody:
    'در این نشانی نامه‌ای برای امضا وجود ندارد. لطفاً پیوندی را که دنبال کردید بررسی کنید.',
  actLoadFailed: 'نامه بارگذاری نشد. اتصال خود را بررسی کنید و دوباره تلاش کنید.',
  actClosed:
    'این نامه بسته شده است و دیگر امضا نمی‌پذیرد. از همه کسانی که آن را امضا کردند سپاسگزاریم.',
  actTo: 'به: {target}',
  actLetter: 'متن نامه',
  actSubject: 'موضوع: {subject}',
  actSignatures: 'امضاها: {count} از {goal}',
  actProgress: '{action}: امضاها به سوی هدف',
  actRecent: 'تازه‌ترین امضاکنندگان',
  actMoreSigners: 'نمایش امضاکنندگان بیشتر',
  actSignTitle: 'نام خود را بیفزایید',
  actName: 'نام کامل',
  actEmail: 'ایمیل',
  actEmailHint:
    'برای تأیید امضای شما. هرگز نمایش داده نمی‌شود و هرگز برای {target} فرستاده نمی‌شود.',
  actCountry: 'کشور',
  actChooseCountry: 'کشور خود را انتخاب کنید',
  actComment: 'نظر (اختیاری)',
  actCommentCount: '{used} از {max} نویسه',
  actSentWith: 'نام، کشور و نظر شما همراه نامه برای {target} فرستاده می‌شود. ایمیل شما هرگز.',
  actPrivacy: 'در این صفحه',
  actPrivateNote: 'امضای شما شمرده می‌شود، اما نام شما در این صفحه نمایش داده نمی‌شود.',
  actShowName: 'نام من در این صفحه نمایش داده شود',
  actDisplayName: 'نام نمایشی (اختیاری)',
  actDisplayNameHint: 'برای نمونه «مریم ر.». اگر خالی بماند، نام کامل شما نمایش داده می‌شود.',
  actSubmit: 'امضای نامه',
  actSending: 'در حال فرستادن…',
  actCheckEmail: 'ایمیل خود را ببینید',
  actCheckEmailBody:
    'اگر نشانی {email} درست باشد، پیوند تأیید در راه است. امضای شما پس از باز کردن پیوند و تأیید شمرده می‌شود. پیوند ۴۸ ساعت اعتبار دارد.',
  actSpam: 'پس از چند دقیقه چیزی نرسید؟ پوشه هرزنامه را ببینید.',
  actErrCountry: 'کشور خود را انتخاب کنید.',
  actNotActive: 'این نامه در حال حاضر امضا نمی‌پذیرد.',
  confirmPageTitle: 'تأیید امضای شما',
  confirmIntro: 'شما پیوند ایمیل ما را دنبال کردید. برای افزودن امضای خود دکمه را بزنید.',
  confirmButton: 'امضای من را تأیید کن',
  confirmBusy: 'در حال تأیید…',
  confirmDone: 'سپاسگزاریم: امضای شما شمرده شد',
  confirmSigned: 'شما «{action}» را امضا کردید.',
  confirmCount: 'شمار امضاها تا کنون: {count}',
  confirmManage: 'هر زمان بخواهید می‌توانید آن را از صفحه حامیان پس بگیرید:',
  confirmManageLink: 'با ایمیل خود وارد شوید',
  confirmBack: 'بازگشت به نامه',
  confirmInvalid:
    'این پیوند دیگر کار نمی‌کند: پیش‌تر به کار رفته یا منقضی شده است (پیوندها ۴۸ ساعت اعتبار دارند). اگر هنوز تأیید نکرده‌اید، نامه را دوباره امضا کنید تا پیوند تازه‌ای بگیرید.',
  confirmMissing: 'این پیوند ناقص است. لطفاً کل پیوند ایمیل را باز کنید.',
};

const CATALOGUE: Record<Lang, Record<MessageKey, string>> = { en, fr, fa };

export function isLang(value: string | null | undefined): value is Lang {
  return (LANGUAGES as readonly string[]).includes(value ?? '');
}

/**
 * The language asked for (`data-lang`, `?lang=`), else the first of the browser's languages
 * that the form ships in (fr-CA → fr), else English.
 */
export function chooseLang(asked: string | null | undefined, browser: readonly string[]): Lang {
  const wanted = asked?.trim().toLowerCase();
  if (isLang(wanted)) return wanted;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'en';
}

export function dirOf(lang: Lang): 'rtl' | 'ltr' {
  return lang === 'fa' ? 'rtl' : 'ltr';
}

/** The message in `lang`, its `{name}` placeholders filled in. */
export function t(lang: Lang, key: MessageKey, vars: Record<string, string> = {}): string {
  return CATALOGUE[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** Every key of every language, for the catalogue's own test. */
export function catalogue(): Record<Lang, Record<MessageKey, string>> {
  return CATALOGUE;
}

/**
 * Text of another direction inside a sentence (an English title in a Persian sentence, an
 * email address): wrapped in first-strong isolates, so it keeps its own order and does not
 * reorder the words and punctuation around it.
 */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

/**
 * What to say of an API error that no field of a form shows: plain words in the reader's
 * language, never our English developer wording. `own` names the page's messages for "no such
 * thing" (404) and "not taking any now" (`not_active`).
 */
export function problemMessage(
  tr: (key: MessageKey) => string,
  error: unknown,
  own: { notFound: MessageKey; notActive: MessageKey },
): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return tr('errUnreachable');
    if (error.status === 429) return tr('errTooMany');
    if (error.status === 404) return tr(own.notFound);
    if (error.code === 'not_active') return tr(own.notActive);
  }
  return tr('errGeneric');
}

/**
 * The sample library's script: three short episodes of everyday English with Spanish subtitles,
 * full of the kind of expressions lingoreel finds (idioms, phrasal verbs, set phrases).
 */

/** One spoken line: the English said, and its Spanish subtitle. */
export interface Line {
  speaker: "a" | "b";
  en: string;
  es: string;
}

/** An episode of the sample show. */
export interface SampleEpisode {
  number: number;
  title: string;
  lines: Line[];
}

export const SHOW = "Sample Show";

export const EPISODES: SampleEpisode[] = [
  {
    number: 1,
    title: "The Coffee Shop",
    lines: [
      {
        speaker: "a",
        en: "Sorry I'm late. The traffic was a nightmare this morning.",
        es: "Perdón por llegar tarde. El tráfico era una pesadilla esta mañana.",
      },
      {
        speaker: "b",
        en: "Don't worry about it. I just got here myself.",
        es: "No te preocupes. Yo también acabo de llegar.",
      },
      { speaker: "a", en: "What can I get you? It's on me today.", es: "¿Qué te pido? Hoy invito yo." },
      {
        speaker: "b",
        en: "Thanks, that's really kind of you. A flat white, please.",
        es: "Gracias, qué amable. Un café con leche, por favor.",
      },
      {
        speaker: "a",
        en: "So, how did the interview go yesterday?",
        es: "Bueno, ¿cómo te fue ayer en la entrevista?",
      },
      {
        speaker: "b",
        en: "Honestly, I think I nailed it. The questions were a piece of cake.",
        es: "Sinceramente, creo que lo bordé. Las preguntas estaban chupadas.",
      },
      {
        speaker: "a",
        en: "I knew you would pull it off. When will they let you know?",
        es: "Sabía que lo conseguirías. ¿Cuándo te dirán algo?",
      },
      {
        speaker: "b",
        en: "They said they would get back to me by Friday.",
        es: "Dijeron que me responderían antes del viernes.",
      },
      {
        speaker: "a",
        en: "Fingers crossed. Are you nervous about it?",
        es: "Crucemos los dedos. ¿Estás nerviosa?",
      },
      {
        speaker: "b",
        en: "A little. I try not to get my hopes up too much.",
        es: "Un poco. Intento no hacerme demasiadas ilusiones.",
      },
      {
        speaker: "a",
        en: "That makes sense. Better safe than sorry.",
        es: "Tiene sentido. Más vale prevenir que curar.",
      },
      {
        speaker: "b",
        en: "Anyway, enough about me. How is the new flat?",
        es: "Bueno, basta de hablar de mí. ¿Qué tal el piso nuevo?",
      },
      {
        speaker: "a",
        en: "It's great, but the neighbours are driving me up the wall.",
        es: "Está genial, pero los vecinos me están volviendo loco.",
      },
      { speaker: "b", en: "Why? Are they noisy?", es: "¿Por qué? ¿Hacen ruido?" },
      {
        speaker: "a",
        en: "They throw a party every single weekend. I can barely sleep.",
        es: "Montan una fiesta todos los fines de semana. Apenas puedo dormir.",
      },
      { speaker: "b", en: "Have you tried talking to them?", es: "¿Has intentado hablar con ellos?" },
      {
        speaker: "a",
        en: "Not yet. I don't want to get off on the wrong foot.",
        es: "Todavía no. No quiero empezar con mal pie.",
      },
      {
        speaker: "b",
        en: "You could bring them some cookies to break the ice.",
        es: "Podrías llevarles galletas para romper el hielo.",
      },
      {
        speaker: "a",
        en: "That's not a bad idea. I'll give it a shot.",
        es: "No es mala idea. Lo intentaré.",
      },
      {
        speaker: "b",
        en: "Oh no, look at the time. I have to run.",
        es: "Ay, mira qué hora es. Tengo que irme corriendo.",
      },
      {
        speaker: "a",
        en: "No problem. Let's catch up again next week.",
        es: "No pasa nada. Volvamos a vernos la semana que viene.",
      },
      {
        speaker: "b",
        en: "Definitely. Keep me posted about the neighbours!",
        es: "Claro que sí. ¡Tenme al tanto de lo de los vecinos!",
      },
    ],
  },
  {
    number: 2,
    title: "Lost Keys",
    lines: [
      {
        speaker: "a",
        en: "Have you seen my keys? I've looked everywhere.",
        es: "¿Has visto mis llaves? He buscado por todas partes.",
      },
      { speaker: "b", en: "Did you check your coat pocket?", es: "¿Has mirado en el bolsillo del abrigo?" },
      {
        speaker: "a",
        en: "Twice. They seem to have vanished into thin air.",
        es: "Dos veces. Parece que se las ha tragado la tierra.",
      },
      {
        speaker: "b",
        en: "Calm down. Let's retrace your steps.",
        es: "Tranquilo. Repasemos lo que has hecho.",
      },
      {
        speaker: "a",
        en: "I came home, put the shopping away, and made a phone call.",
        es: "Llegué a casa, guardé la compra e hice una llamada.",
      },
      {
        speaker: "b",
        en: "Then they must be somewhere in the kitchen.",
        es: "Entonces tienen que estar en algún sitio de la cocina.",
      },
      {
        speaker: "a",
        en: "I'm running out of time. My train leaves in twenty minutes.",
        es: "Se me acaba el tiempo. Mi tren sale en veinte minutos.",
      },
      {
        speaker: "b",
        en: "Hang on a second. What is that in the fridge?",
        es: "Espera un momento. ¿Qué es eso de la nevera?",
      },
      { speaker: "a", en: "You have got to be kidding me.", es: "No puede ser verdad." },
      {
        speaker: "b",
        en: "Right next to the milk. You must have had your head in the clouds.",
        es: "Justo al lado de la leche. Debías de estar en las nubes.",
      },
      {
        speaker: "a",
        en: "I have had so much on my mind lately.",
        es: "Últimamente tengo muchas cosas en la cabeza.",
      },
      {
        speaker: "b",
        en: "You should take it easy this weekend.",
        es: "Deberías tomártelo con calma este fin de semana.",
      },
      {
        speaker: "a",
        en: "Easier said than done. I'm up to my neck in work.",
        es: "Es más fácil decirlo que hacerlo. Estoy hasta arriba de trabajo.",
      },
      {
        speaker: "b",
        en: "Then at least call it a day early tonight.",
        es: "Pues al menos termina pronto esta noche.",
      },
      {
        speaker: "a",
        en: "Maybe you're right. I keep burning the candle at both ends.",
        es: "Quizá tengas razón. No paro de quemarme a mí mismo.",
      },
      {
        speaker: "b",
        en: "Exactly. Now go, or you really will miss that train.",
        es: "Exacto. Ahora vete, o sí que vas a perder ese tren.",
      },
      {
        speaker: "a",
        en: "Thanks for bailing me out. I owe you one.",
        es: "Gracias por sacarme del apuro. Te debo una.",
      },
      {
        speaker: "b",
        en: "Don't mention it. Just keep your keys out of the fridge.",
        es: "No hay de qué. Solo no vuelvas a meter las llaves en la nevera.",
      },
    ],
  },
  {
    number: 3,
    title: "Moving Day",
    lines: [
      {
        speaker: "a",
        en: "Thanks for giving me a hand with the move.",
        es: "Gracias por echarme una mano con la mudanza.",
      },
      {
        speaker: "b",
        en: "No worries. Many hands make light work.",
        es: "De nada. La unión hace la fuerza.",
      },
      {
        speaker: "a",
        en: "Can you pick up the other end of this sofa?",
        es: "¿Puedes coger el otro extremo de este sofá?",
      },
      { speaker: "b", en: "Sure. On three. One, two, three.", es: "Claro. A la de tres. Una, dos y tres." },
      { speaker: "a", en: "Watch out for the door frame!", es: "¡Cuidado con el marco de la puerta!" },
      { speaker: "b", en: "Got it. We are almost there.", es: "Entendido. Ya casi estamos." },
      {
        speaker: "a",
        en: "Let's put it down for a minute. My back is killing me.",
        es: "Dejémoslo un momento. Me está matando la espalda.",
      },
      {
        speaker: "b",
        en: "How many boxes are left in the van?",
        es: "¿Cuántas cajas quedan en la furgoneta?",
      },
      {
        speaker: "a",
        en: "About a dozen. Most of them are books, I'm afraid.",
        es: "Unas doce. Me temo que casi todas son libros.",
      },
      {
        speaker: "b",
        en: "You really should get rid of some of them.",
        es: "De verdad deberías deshacerte de algunos.",
      },
      {
        speaker: "a",
        en: "I know, I know. I'll sort them out once we've settled in.",
        es: "Lo sé, lo sé. Los ordenaré cuando nos hayamos instalado.",
      },
      {
        speaker: "b",
        en: "That's what you said the last time you moved.",
        es: "Eso mismo dijiste la última vez que te mudaste.",
      },
      { speaker: "a", en: "Fair enough. You've got me there.", es: "Tienes razón. Ahí me has pillado." },
      {
        speaker: "b",
        en: "Come on, let's get it over with before it starts to rain.",
        es: "Venga, acabemos con esto antes de que empiece a llover.",
      },
      {
        speaker: "a",
        en: "After this, dinner is on me. Pizza sounds good?",
        es: "Después de esto, la cena la pago yo. ¿Te apetece pizza?",
      },
      { speaker: "b", en: "Now you're talking.", es: "Eso ya me gusta más." },
      {
        speaker: "a",
        en: "Hold on, where did we put the box with the plates?",
        es: "Un momento, ¿dónde pusimos la caja de los platos?",
      },
      {
        speaker: "b",
        en: "I think it ended up in the bathroom, of all places.",
        es: "Creo que acabó en el baño, precisamente.",
      },
      {
        speaker: "a",
        en: "Typical. This whole day has been one thing after another.",
        es: "Lo típico. Todo el día ha sido un no parar.",
      },
      {
        speaker: "b",
        en: "Look on the bright side. At least nothing got broken.",
        es: "Míralo por el lado bueno. Al menos no se ha roto nada.",
      },
      {
        speaker: "a",
        en: "True. I couldn't have done it without you.",
        es: "Es verdad. No lo habría conseguido sin ti.",
      },
      {
        speaker: "b",
        en: "That's what friends are for. Now, about that pizza.",
        es: "Para eso están los amigos. Bueno, lo de la pizza.",
      },
    ],
  },
];
